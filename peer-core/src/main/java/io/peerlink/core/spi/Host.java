package io.peerlink.core.spi;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.peerlink.core.AddressBook;
import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Connector;
import io.peerlink.core.Direction;
import io.peerlink.core.EventListener;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.TcpDelays;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.host.FrontDoors;
import io.peerlink.core.multiaddr.Multiaddr;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A libp2p host as protocol modules see it: one identity, its settings and event loops, the
 * protocols it serves, its live connections, and the ways it dials. A {@code Listener} and the
 * {@code Connector}s sharing it are one host ({@code Host.of(listener)}).
 *
 * <p>Everything here is thread-safe. Connection listeners run on the connection's event loop and
 * must not block; futures complete on event loops too.
 */
public interface Host {

  /**
   * The host of {@code listener}, as protocol modules built on peer-core (relay, hole punching,
   * AutoNAT, the DHT) see it. Applications do not need it.
   *
   * @param listener a listener
   * @return its host
   */
  static Host of(Listener listener) {
    return FrontDoors.host(listener);
  }

  /**
   * The host of {@code connector}, as protocol modules built on peer-core see it.
   *
   * @param connector a connector
   * @return its host
   */
  static Host of(Connector connector) {
    return FrontDoors.host(connector);
  }

  /** {@return this host's identity} */
  Identity identity();

  /** {@return this host's settings} */
  PeerConfig config();

  /** {@return the event loops every connection of this host runs on; schedule timers here} */
  EventLoopGroup eventLoops();

  // ------------------------------------------------------------------ events

  /**
   * Delivers a host event to the application's {@link EventListener}s, on their executor, in
   * order with every other event of this host.
   *
   * @param event calls one listener method, such as {@code l -> l.reservationLost(relay, cause)}
   */
  void emit(Consumer<EventListener> event);

  /**
   * Adds a listener of this host's events from inside a module (the manager follows reachability
   * this way); it runs like the application's listeners, on their executor.
   *
   * @param listener the listener
   */
  void addEventListener(EventListener listener);

  // ------------------------------------------------------------------ protocols

  /**
   * Serves {@code protocol}: inbound streams that negotiate it are handed to {@code handler}, and
   * identify announces it. Replaces an earlier handler for the same protocol.
   *
   * @param protocol the protocol ID, such as {@code "/libp2p/dcutr"}
   * @param handler sets up each inbound stream
   */
  void handle(String protocol, StreamHandler handler);

  /**
   * Stops serving {@code protocol}; streams already open are not touched.
   *
   * @param protocol the protocol ID
   */
  void removeHandler(String protocol);

  /**
   * Lets {@code protocol} run over limited (relayed) connections, in both directions; others are
   * refused there, as go and js refuse them.
   *
   * @param protocol the protocol ID
   */
  void allowOnLimitedConnections(String protocol);

  // ------------------------------------------------------------------ connections

  /** {@return the connections open now, in no particular order} */
  Collection<Peer> connections();

  /**
   * Calls {@code listener} with every connection once it is ready (secured, multiplexed),
   * inbound and outbound, on that connection's event loop.
   *
   * @param listener called with each new connection
   */
  void addConnectionListener(Consumer<Peer> listener);

  /**
   * Removes a listener added with {@link #addConnectionListener}.
   *
   * @param listener the listener to remove
   */
  void removeConnectionListener(Consumer<Peer> listener);

  /**
   * The handle over every open connection to {@code peer} (see {@link PeerHandle}); empty when
   * there is none and no reconnection is under way.
   *
   * @param peer the remote peer
   * @return its handle, if it is connected or being reconnected
   */
  Optional<PeerHandle> handle(PeerId peer);

  /**
   * Keeps {@code peer}'s handle open while {@code attempt} runs (a dial, a punch, a reconnection),
   * making the handle if there is none: it does not close when its last connection does, and its
   * streams wait for a connection up to {@link PeerConfig#waitForDirectConnection()}. Once the
   * attempt completes and no connection is open, the peer is given up and the handle closes.
   *
   * @param peer the remote peer
   * @param attempt completes when the attempt ends, either way
   * @return the peer's handle
   */
  PeerHandle keepOpen(PeerId peer, CompletableFuture<?> attempt);

  /**
   * Sets who hears, first and at once, that a connection of a handle closed: the reconnection
   * policy. Null removes it; peers whose last connection closes are then given up.
   *
   * @param handler the policy's hook
   */
  void onPathLost(PathLossHandler handler);

  /**
   * Marks {@code peer}'s connections as needed for {@code tag}'s reason (a relay reservation, a
   * circuit, hole-punch signalling): connection managers and pools must not close them to save
   * resources while any tag is held. Protecting twice with one tag is the same as once.
   *
   * @param peer the remote peer
   * @param tag why it is protected, e.g. {@code "relay-reservation"}
   */
  void protect(PeerId peer, String tag);

  /**
   * Releases one reason added with {@link #protect}.
   *
   * @param peer the remote peer
   * @param tag the reason to release
   * @return whether {@code peer} is still protected by another tag
   */
  boolean unprotect(PeerId peer, String tag);

  /**
   * Closes the least useful connections down to the connection manager's low watermark now, as
   * it does by itself above the high watermark (go's {@code TrimOpenConns}): protected peers,
   * connections within the grace period and a busy peer's last path are spared.
   *
   * @return how many connections it closed
   */
  int trimConnections();

  /**
   * {@return whether any tag protects {@code peer}'s connections}
   *
   * @param peer the remote peer
   */
  boolean isProtected(PeerId peer);

  // ------------------------------------------------------------------ addresses

  /**
   * {@return the addresses this host knows for other peers, with their expiry: what the caller
   * added, what identify and identify push reported, where we dialed; circuit addresses included,
   * so a dialer can reach a peer through each relay it announced}
   */
  AddressBook addressBook();

  /**
   * {@return the addresses this host is reached at, each ending in {@code /p2p/<id>}: the listening
   * ones, then those of every {@link #addAddressSource source}; identify announces these}
   */
  List<Multiaddr> listenAddresses();

  /**
   * Adds addresses this host is reached at besides the bound ones: a relay client's reserved
   * circuit addresses, confirmed observed addresses.
   *
   * @param source asked each time the addresses are needed
   */
  void addAddressSource(Supplier<List<Multiaddr>> source);

  /**
   * Removes a source added with {@link #addAddressSource}.
   *
   * @param source the source to remove
   */
  void removeAddressSource(Supplier<List<Multiaddr>> source);

  // ------------------------------------------------------------------ dialing

  /**
   * Sets who dials {@code /p2p-circuit} addresses (the relay client); null removes it, and such
   * addresses are then refused.
   *
   * @param dialer dials one relayed address
   */
  void setRelayedDialer(Function<Multiaddr, CompletableFuture<Peer>> dialer);

  /**
   * Dials {@code target}, which must end in {@code /p2p/<peer id>}: the remote must prove that ID.
   * One attempt at one address; {@code /p2p-circuit} addresses go to the relayed dialer.
   *
   * @param target the address to dial
   * @return the ready connection
   */
  CompletableFuture<Peer> dial(Multiaddr target);

  /**
   * Dials {@code peer} over {@code addrs} in one happy-eyeballs round (RFC 8305), with no retry
   * round after it: the addresses are resolved off the event loops and ranked (loopback, private,
   * public; in each, QUIC before TCP; IPv6 and IPv4 alternating), the next one starts once the
   * previous has had {@code stagger} to answer (the first TCP address after a QUIC one: its
   * {@code tcpDelays} scope's delay) or at once when it fails, and each TCP connect gives up after
   * {@code connectTimeout} (a QUIC handshake after {@code QuicConfig.handshakeTimeout}). The first
   * connection wins and the attempts still running are cancelled; the result fails with one error
   * for the round once every address failed. A dialer that has other ways to the peer (a relay)
   * uses this instead of the retrying dial, so one unresponsive address costs
   * {@code connectTimeout}, not a chain of retries.
   *
   * @param peer the peer the remote must prove to be
   * @param addrs TCP or QUIC multiaddrs, with or without {@code /p2p/<peer>}; not empty
   * @param stagger how long an address has before the next one starts beside it
   * @param tcpDelays how long TCP addresses wait behind QUIC ones
   * @param connectTimeout how long each TCP connect may take
   * @return the round: its result, and a cancel that stops it (closing a connection it already made)
   * @throws IllegalArgumentException if an address is not a dialable address or names another peer
   */
  DialAttempt dialRound(PeerId peer, List<Multiaddr> addrs, Duration stagger, TcpDelays tcpDelays,
      Duration connectTimeout);

  /**
   * {@link #dialRound(PeerId, List, Duration, TcpDelays, Duration)} with the default
   * {@link TcpDelays}.
   *
   * @param peer the peer the remote must prove to be
   * @param addrs TCP or QUIC multiaddrs, with or without {@code /p2p/<peer>}; not empty
   * @param stagger how long an address has before the next one starts beside it
   * @param connectTimeout how long each TCP connect may take
   * @return the round
   */
  default DialAttempt dialRound(PeerId peer, List<Multiaddr> addrs, Duration stagger, Duration connectTimeout) {
    return dialRound(peer, addrs, stagger, TcpDelays.defaults(), connectTimeout);
  }

  /**
   * Dials one resolved socket address, expecting {@code expected}.
   *
   * @param expected the peer the remote must prove to be
   * @param socket where to connect
   * @param display how the address is named in errors and on the connection
   * @return the attempt
   */
  DialAttempt dial(PeerId expected, InetSocketAddress socket, Multiaddr display);

  /**
   * Dials {@code remote} from {@code local}, our listening port (shared with SO_REUSEADDR and
   * SO_REUSEPORT), for a TCP hole punch: both peers dial at once and simultaneous open joins the two
   * attempts into one connection. {@code role} is our side of the upgrade on it
   * ({@link Direction#OUTBOUND}: multistream initiator, security client, yamux client).
   *
   * @param expected the peer the remote must prove to be
   * @param remote the remote's observed address
   * @param local our listening address
   * @param role our side of the upgrade
   * @param path the path the connection reports ({@link ConnectionPath#HOLE_PUNCHED})
   * @param timeout how long the TCP connect may take
   * @return the attempt
   */
  DialAttempt dialFromListenPort(PeerId expected, InetSocketAddress remote, InetSocketAddress local,
      Direction role, ConnectionPath path, Duration timeout);

  /**
   * A hole punch's QUIC dial to {@code remote}, the side that is the QUIC client: it leaves from our
   * QUIC listen port (so it uses the NAT mapping peers observed) and the connection's path is
   * {@link ConnectionPath#HOLE_PUNCHED}. Fails at once if we do not listen on QUIC in the remote's
   * IP family. The QUIC handshake timeout ({@code QuicConfig.handshakeTimeout}) bounds it.
   *
   * @param expected the peer the remote must prove to be
   * @param remote the remote's observed QUIC address
   * @return the attempt
   */
  DialAttempt punchQuic(PeerId expected, InetSocketAddress remote);

  /**
   * Sends {@code payload} as one UDP datagram to {@code remote} from our QUIC listen socket, past
   * QUIC: the packets a hole punch's QUIC server sends so its NAT lets the client's packets in.
   *
   * @param remote where to send it
   * @param payload the datagram's bytes
   * @return false if we do not listen on QUIC in the remote's IP family (nothing was sent)
   */
  boolean sendFromQuicListenSocket(InetSocketAddress remote, byte[] payload);

  /**
   * Expects a punch's SYN from {@code remotes}: a connection our listener accepts from one of them
   * is upgraded in {@code role} and handed to the expectation. TCP only: see {@link #expectQuicPunch}. Withdraw it once the punch ended.
   *
   * @param peer the peer the punch is with
   * @param role our side of the upgrade
   * @param remotes the remote's addresses the SYN may come from
   * @return the expectation
   */
  PunchExpectation expectPunch(PeerId peer, Direction role, List<InetSocketAddress> remotes);

  /**
   * Expects a QUIC hole punch's connection from {@code remotes}, we being the QUIC server: a QUIC
   * connection our listener accepts from one of them must prove {@code peer}, reports
   * {@link ConnectionPath#HOLE_PUNCHED} and is handed to the expectation. Kept apart from
   * {@link #expectPunch}, as a remote's TCP and UDP ports may be the same number. Withdraw it once
   * the punch ended.
   *
   * @param peer the peer the punch is with
   * @param remotes the remote's QUIC (UDP) addresses
   * @return the expectation; its role is {@link Direction#INBOUND}
   */
  PunchExpectation expectQuicPunch(PeerId peer, List<InetSocketAddress> remotes);

  /**
   * Runs the connection upgrade (security, muxer) over {@code channel}, a stream to a relay that
   * now carries a circuit, so it becomes a connection of this host like any other.
   *
   * @param channel the stream carrying the circuit
   * @param direction our side of the upgrade
   * @param expected the peer the remote must prove to be (null for inbound: anyone)
   * @param path the path the connection reports ({@link ConnectionPath#RELAYED})
   * @param remoteAddress what the connection reports as its remote address
   * @param limit the relay's limits on the circuit, or null for none
   * @return the ready connection
   */
  CompletableFuture<Peer> upgrade(Channel channel, Direction direction, PeerId expected,
      ConnectionPath path, Multiaddr remoteAddress, ConnectionLimit limit);
}
