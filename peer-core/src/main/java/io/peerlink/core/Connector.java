package io.peerlink.core;

import io.netty.channel.EventLoopGroup;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.host.Dialer;
import io.peerlink.core.internal.host.FrontDoors;
import io.peerlink.core.internal.host.HostCore;
import io.peerlink.core.internal.host.PemCertificates;
import io.peerlink.core.multiaddr.Multiaddr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/**
 * Dials libp2p peers: TCP, then TLS 1.3 or Noise, then yamux, or QUIC v1 for a {@code /udp/N/quic-v1}
 * address, with the remote's peer ID checked.
 *
 * <pre>{@code
 * try (Connector connector = Connector.builder(Identity.generate())
 *     .dialPolicy(DialPolicy.builder().maxAttempts(5).build())
 *     .build()) {
 *   Peer peer = connector.connect(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…")).join();
 *   System.out.println("rtt " + peer.ping().join());
 * }
 * }</pre>
 *
 * <p>Thread-safe; one connector can dial many peers.
 */
public final class Connector implements AutoCloseable {
  static {
    // Host.of(this) in the SPI reads the host through this, so this package needs no SPI type.
    FrontDoors.register(Connector.class, o -> ((Connector) o).core);
  }

  private final HostCore core;
  private final boolean sharedCore;
  private final Dialer dialer;

  private Connector(Builder b) {
    this.sharedCore = b.listener != null;
    this.core = sharedCore ? b.listener.core() : new HostCore(b.identity, b.config, b.group);
    b.handlers.forEach(core.protocols()::put);
    if (b.eventExecutor != null) {
      core.events().executor(b.eventExecutor);
    }
    b.eventListeners.forEach(core.events()::add);
    if (b.eventListenerFactory != null) {
      core.events().factory(b.eventListenerFactory);
    }
    if (b.messageHandler != null) {
      core.messageHandler(b.messageHandler);
    }
    this.dialer = new Dialer(core, b.dialPolicy, b.random);
  }

  /**
   * A builder for a connector with this identity.
   *
   * @param identity the identity (key pair) to use
   * @return a new builder
   */
  public static Builder builder(Identity identity) {
    return new Builder(Objects.requireNonNull(identity, "identity"), null);
  }

  /**
   * A builder for a connector that shares {@code listener}'s identity, settings, event loops and
   * handlers, so the peers it dials see the same peer and can open streams back to it.
   *
   * @param listener the listener whose identity, settings and event loops to share
   * @return a new builder
   */
  public static Builder sharing(Listener listener) {
    return new Builder(null, Objects.requireNonNull(listener, "listener"));
  }

  /**
   * A connector whose identity is read from a PEM file (PKCS#8 private key).
   *
   * <p>libp2p TLS authenticates a peer with a fresh certificate per connection, signed by the
   * identity key; a long-lived certificate file is therefore not used for the handshake. If
   * {@code certPath} names an existing file, it must hold a libp2p certificate made for this key
   * (the pair is checked, so a mixed-up pair fails here rather than at a remote peer); pass
   * {@code null} when there is none.
   *
   * @param keyPath the PEM file holding the private key
   * @param certPath a PEM certificate made for that key, or {@code null}
   * @return a connector with that identity and default settings
   * @throws IOException if a file cannot be read
   * @throws InvalidKeyException if the key file holds no supported key, or the certificate was not
   *     made for it
   */
  public static Connector fromPem(Path keyPath, Path certPath) throws IOException, InvalidKeyException {
    Identity identity = Identity.fromPem(keyPath);
    if (certPath != null && Files.exists(certPath)) {
      PemCertificates.checkMatches(identity, certPath);
    }
    return builder(identity).build();
  }

  /**
   * Dials {@code target}, which must end in {@code /p2p/<peer id>}; {@code /dns4}, {@code /dns6}
   * and {@code /dns} names are resolved first. Completes with the ready connection, or fails with a
   * {@link PeerException} saying what failed: {@link PeerError#CONNECT} (unreachable, or the name
   * does not resolve), {@link PeerError#TIMEOUT}, {@link PeerError#TLS} (handshake or wrong peer
   * ID), {@link PeerError#PROTOCOL} (no common security protocol or muxer). Failures that may pass
   * are retried as the {@link DialPolicy} says. Each call makes a new connection unless a dial to
   * the same peer is under way, which it then joins; use a {@link PeerPool} to reuse connections.
   * Cancelling the future abandons the dial (once no other caller waits for it).
   *
   * <p>A {@code <relay>/p2p-circuit/p2p/<id>} address is dialed through that relay when a relay
   * client (relay-core's {@code RelayClient}) is attached to this host.
   *
   * @param target the peer to reach
   * @return a future that completes with the connected peer, or fails with a {@link PeerException}
   * @throws IllegalArgumentException if {@code target} has no {@code /p2p/} or is not a TCP or QUIC address
   */
  public CompletableFuture<Peer> connect(Multiaddr target) {
    if (target.isRelayed()) {
      // A /p2p-circuit address is reached through its relay, by the relay client (relay-core).
      return core.dial(target);
    }
    PeerId expected =
        target.peerId().orElseThrow(() -> new IllegalArgumentException(
            "the address must end in /p2p/<peer id> so the remote can be authenticated: " + target));
    return dialer.dial(expected, List.of(target));
  }

  /**
   * Dials {@code peer} at any of {@code addresses} (TCP or QUIC multiaddrs, with or without
   * {@code /p2p}): they are ranked (loopback, private, public; IPv6 and IPv4 alternating) and
   * tried {@link DialPolicy#addressStagger()} apart, the first to connect wins and the others are
   * cancelled. Otherwise as {@link #connect(Multiaddr)}.
   *
   * @param peer the peer to reach
   * @param addresses where to try it
   * @return a future that completes with the connected peer, or fails with a {@link PeerException}
   * @throws IllegalArgumentException if {@code addresses} is empty, holds an address neither TCP nor QUIC, or
   *     one naming another peer
   */
  public CompletableFuture<Peer> connect(PeerId peer, List<Multiaddr> addresses) {
    Objects.requireNonNull(peer, "peer");
    return dialer.dial(peer, addresses);
  }

  /** {@return the dial policy in force} */
  public DialPolicy dialPolicy() {
    return dialer.policy();
  }

  /** {@return the live connections of this connector's host (with a shared listener, its inbound ones too)} */
  public List<Peer> peers() {
    return List.copyOf(core.connections());
  }

  /**
   * The handle over every connection of this host to {@code peer}, inbound and outbound, direct and
   * relayed: streams open on the best one and move when it changes (see {@link PeerHandle}).
   *
   * @param peer the remote peer
   * @return its handle; empty when no connection to it is open
   */
  public Optional<PeerHandle> handle(PeerId peer) {
    return core.handle(peer);
  }

  /** The core this connector dials with, for a {@link PeerPool}. */
  HostCore core() {
    return core;
  }

  /** {@return our peer ID} */
  public PeerId peerId() {
    return core.identity().peerId();
  }

  /**
   * Closes every connection this connector's core holds (unless it shares a listener's core).
   *
   * @return a future that completes once every connection is closed
   */
  public CompletableFuture<Void> closeAsync() {
    return sharedCore ? CompletableFuture.completedFuture(null) : core.close();
  }

  /** Same as {@code closeAsync().join()}. */
  @Override
  public void close() {
    closeAsync().join();
  }

  /** Builds a {@link Connector}. */
  public static final class Builder {
    private final Identity identity;
    private final Listener listener;
    private PeerConfig config = PeerConfig.defaults();
    private EventLoopGroup group;
    private final Map<String, StreamHandler> handlers = new LinkedHashMap<>();
    private final List<EventListener> eventListeners = new ArrayList<>();
    private EventListener.Factory eventListenerFactory;
    private Executor eventExecutor;
    private MessageHandler messageHandler;
    private DialPolicy dialPolicy = DialPolicy.defaults();
    private RandomGenerator random = new SplittableRandom();

    private Builder(Identity identity, Listener listener) {
      this.identity = identity;
      this.listener = listener;
    }

    /**
     * Retries, backoff, address stagger and dial rate; default {@link DialPolicy#defaults()}.
     *
     * @param policy the dial policy
     * @return this builder
     */
    public Builder dialPolicy(DialPolicy policy) {
      this.dialPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Observes this connector's host's events; repeatable.
     *
     * @param listener the listener to notify
     * @return this builder
     */
    public Builder eventListener(EventListener listener) {
      eventListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Makes a listener per connection for the connection events; without one, connection events
     * go to the {@link #eventListener} listeners.
     *
     * @param factory makes each connection's listener
     * @return this builder
     */
    public Builder eventListenerFactory(EventListener.Factory factory) {
      this.eventListenerFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Where event listeners run, one event at a time and in order; default the common fork-join
     * pool. Replaces a shared listener's executor.
     *
     * @param executor the executor that runs the listeners
     * @return this builder
     */
    public Builder eventExecutor(Executor executor) {
      this.eventExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Receives messages ({@link Peer#send}) from every peer without a handler of its own.
     *
     * @param handler receives the messages
     * @return this builder
     */
    public Builder onMessage(MessageHandler handler) {
      this.messageHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** The randomness of backoff jitter (tests make it deterministic). */
    Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random);
      return this;
    }

    /**
     * Connection and stream settings; default {@link PeerConfig#defaults()}. Ignored when sharing a listener.
     *
     * @param config the settings
     * @return this builder
     */
    public Builder config(PeerConfig config) {
      this.config = Objects.requireNonNull(config);
      return this;
    }

    /**
     * Serves {@code protocol} on connections this connector makes (streams the remote opens).
     *
     * @param protocol the protocol ID, for example {@code /echo/1.0.0}
     * @param handler sets up each stream (its pipeline) once the protocol is agreed
     * @return this builder
     */
    public Builder handler(String protocol, StreamHandler handler) {
      handlers.put(Objects.requireNonNull(protocol), Objects.requireNonNull(handler));
      return this;
    }

    /**
     * Runs on this event loop group; it is not shut down on close.
     *
     * @param group the Netty event loop group to use
     * @return this builder
     */
    public Builder eventLoopGroup(EventLoopGroup group) {
      this.group = group;
      return this;
    }

    /**
     * Builds the connector.
     *
     * @return the new {@code Connector}
     */
    public Connector build() {
      return new Connector(this);
    }
  }
}
