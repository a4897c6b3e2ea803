package io.peerlink.core.internal.host;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.HandshakeException;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.QuicConfig;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.tls.QuicTls;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.DialAttempt;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * The QUIC v1 transport of one host: listening on and dialing {@code /udp/N/quic-v1} addresses
 * with Netty's QUIC codec (quiche), TLS 1.3 inside QUIC by {@link QuicTls}, and each ready
 * connection made a {@link PeerConnection} by {@link QuicUpgrade}.
 *
 * <p>Each listen address is one UDP socket with the server codec; each dial has a UDP socket of
 * its own, closed with its connection. When the host listens on QUIC, that socket is bound to the
 * listen port ({@link QuicListenSockets}), so remotes observe our listen port and hole punches
 * work; a hole punch's other side sends its packets from the listen socket itself
 * ({@link #sendFromListenSocket}).
 *
 * <p>QUIC needs the codec's native library, which ships for Linux x86_64 only here: elsewhere
 * listening or dialing a QUIC address fails with a {@link PeerException} saying so, and TCP works
 * as before.
 */
final class QuicTransport {
  private final HostCore core;
  private final QuicListenSockets sockets = new QuicListenSockets();
  private volatile QuicTls tls; // made on first use: its certificate costs a key generation

  QuicTransport(HostCore core) {
    this.core = core;
  }

  /** Whether the QUIC native library loaded on this platform. */
  static boolean available() {
    return Quic.isAvailable();
  }

  private QuicTls tls() throws PeerException {
    if (!available()) {
      throw new PeerException(PeerError.CONNECT, "QUIC is not available on this platform (its native library"
          + " did not load: " + Quic.unavailabilityCause() + "); use a /tcp address");
    }
    QuicTls t = tls;
    if (t == null) {
      synchronized (this) {
        t = tls;
        if (t == null) {
          t = QuicTls.create(core.identity(), core.clock());
          tls = t;
        }
      }
    }
    return t;
  }

  /** QUIC's transport parameters from {@code QuicConfig}; both sides send the same ones. */
  private <B extends QuicCodecBuilder<B>> B configure(B b) {
    QuicConfig c = core.config().quic();
    return b.maxIdleTimeout(c.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .initialMaxData(c.connectionWindow())
        .initialMaxStreamDataBidirectionalLocal(c.streamWindow())
        .initialMaxStreamDataBidirectionalRemote(c.streamWindow())
        .initialMaxStreamsBidirectional(c.maxStreams())
        // libp2p uses bidirectional streams only.
        .initialMaxStreamsUnidirectional(0)
        .initialMaxStreamDataUnidirectional(0);
  }

  /**
   * Binds a UDP socket at {@code socket} that accepts QUIC connections; {@code admit} gets each new
   * connection before its handshake (it installs the upgrade, or closes a refused one).
   */
  CompletableFuture<Channel> listen(InetSocketAddress socket, Consumer<QuicChannel> admit) {
    CompletableFuture<Channel> result = new CompletableFuture<>();
    ChannelHandler codec;
    try {
      codec = configure(new QuicServerCodecBuilder())
          .sslEngineProvider(tls().serverEngines())
          // No token handler: no Retry round trip, as libp2p QUIC does not validate addresses
          // (go does only under load).
          .tokenHandler(null)
          .handler(new ChannelInitializer<QuicChannel>() {
            @Override
            protected void initChannel(QuicChannel ch) {
              admit.accept(ch);
            }
          })
          .streamHandler(QuicUpgrade.inboundStreams())
          .build();
    } catch (PeerException e) {
      result.completeExceptionally(e);
      return result;
    }
    Bootstrap b = new Bootstrap().group(core.eventLoops()).channel(Transports.datagramChannel()).handler(codec);
    // Dials leave from this port (a socket of their own bound beside this one), which needs SO_REUSEPORT
    // on both; the listener checked beforehand that no other socket holds the port.
    Transports.reuseUdpPort(b);
    b.bind(socket).addListener((ChannelFuture f) -> {
          if (f.isSuccess()) {
            int port = ((InetSocketAddress) f.channel().localAddress()).getPort();
            sockets.add(f.channel(), new InetSocketAddress(socket.getAddress(), port));
            result.complete(f.channel());
          } else {
            result.completeExceptionally(f.cause());
          }
        });
    return result;
  }

  /**
   * Upgrades an accepted connection as the inbound side: on {@code path}, and when {@code expected}
   * is not null (a hole punch's connection) only if the remote proves that peer ID.
   */
  void accept(QuicChannel ch, PeerId expected, ConnectionPath path, CompletableFuture<Peer> upgraded) {
    InetSocketAddress remote = (InetSocketAddress) ch.remoteSocketAddress();
    Multiaddr addr = TransportAddress.quic(remote);
    ConnectionLifecycle lifecycle = ConnectionLifecycle.start(core, Direction.INBOUND, addr, expected);
    ch.pipeline().addLast(new QuicUpgrade(core, Direction.INBOUND, expected, path, addr, lifecycle, upgraded));
  }

  /**
   * Dials {@code socket} over QUIC, expecting {@code expected}; {@code display} names the address in
   * events and errors. The handshake timeout bounds the whole attempt (UDP has no connect).
   */
  DialAttempt dial(PeerId expected, InetSocketAddress socket, Multiaddr display) {
    return dial(expected, socket, display, ConnectionPath.DIRECT);
  }

  /**
   * A hole punch's QUIC dial to {@code remote}, as the QUIC client: from our listen port, which the
   * remote's packets to us opened in our NAT, on the path {@code HOLE_PUNCHED}. Fails at once when
   * no QUIC listen socket fits the remote.
   */
  DialAttempt punch(PeerId expected, InetSocketAddress remote) {
    if (sockets.forRemote(remote).isEmpty()) {
      PeerException pe = new PeerException(PeerError.CONNECT,
          "a QUIC hole punch to " + remote + " needs a QUIC listen socket of its IP family to dial from");
      return new DialAttempt(CompletableFuture.failedFuture(pe), () -> {});
    }
    return dial(expected, remote, TransportAddress.quic(remote), ConnectionPath.HOLE_PUNCHED);
  }

  /**
   * Sends {@code payload} as one UDP datagram from the listen socket that fits {@code remote}: what
   * the QUIC server of a hole punch sends to open its NAT to the client's packets.
   *
   * @return false if no QUIC listen socket fits the remote
   */
  boolean sendFromListenSocket(InetSocketAddress remote, byte[] payload) {
    Optional<QuicListenSockets.ListenSocket> s = sockets.forRemote(remote);
    if (s.isEmpty()) {
      return false;
    }
    // From the first handler's context, so the datagram goes straight to the socket past the codec.
    s.get().channel().pipeline().firstContext()
        .writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(payload), remote));
    return true;
  }

  /** Whether a live inbound QUIC connection comes from {@code remote}. */
  private boolean inboundFrom(InetSocketAddress remote) {
    Multiaddr addr = TransportAddress.quic(remote);
    for (PeerConnection c : core.liveConnections()) {
      if (c.direction() == Direction.INBOUND && addr.equals(c.remoteAddress())) {
        return true;
      }
    }
    return false;
  }

  private DialAttempt dial(PeerId expected, InetSocketAddress socket, Multiaddr display, ConnectionPath path) {
    CompletableFuture<Peer> result = new CompletableFuture<>();
    Multiaddr target = display.withPeerId(expected);
    ConnectionLifecycle lifecycle = ConnectionLifecycle.start(core, Direction.OUTBOUND, display, expected);
    ChannelHandler codec;
    try {
      codec = configure(new QuicClientCodecBuilder()).sslEngineProvider(tls().clientEngines()).build();
    } catch (PeerException e) {
      lifecycle.failed(e);
      result.completeExceptionally(e);
      return new DialAttempt(result, () -> {});
    }
    Bootstrap b = new Bootstrap().group(core.eventLoops()).channel(Transports.datagramChannel()).handler(codec);
    Optional<InetSocketAddress> listenPort = socket.isUnresolved()
        ? Optional.empty() : sockets.claim(socket, inboundFrom(socket));
    ChannelFuture bound;
    if (listenPort.isPresent()) {
      // Bound beside the listen socket and connected: the kernel gives it this remote's packets only.
      Transports.reuseUdpPort(b);
      bound = b.connect(socket, listenPort.get());
      bound.channel().closeFuture().addListener(f -> sockets.release(socket));
    } else {
      bound = b.bind(new InetSocketAddress(socket.getAddress() instanceof Inet4Address ? "0.0.0.0" : "::", 0));
    }
    Channel udp = bound.channel();
    // The dial's socket lives as long as the attempt, and then as long as its connection.
    result.whenComplete((peer, err) -> {
      if (err != null) {
        udp.close();
      } else {
        peer.closeFuture().whenComplete((v, e) -> udp.close());
      }
    });
    bound.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        PeerException pe = new PeerException(PeerError.CONNECT,
            "could not open a UDP socket to dial " + target + ": " + f.cause().getMessage(), f.cause());
        lifecycle.failed(pe);
        result.completeExceptionally(pe);
        return;
      }
      QuicUpgrade upgrade = new QuicUpgrade(core, Direction.OUTBOUND, expected, path, display, lifecycle, result);
      QuicChannel.newBootstrap(udp)
          .attr(QuicTls.EXPECTED_PEER, expected)
          .handler(upgrade)
          .streamHandler(QuicUpgrade.inboundStreams())
          .remoteAddress(socket)
          .connect()
          .addListener(c -> {
            if (!c.isSuccess() && !result.isDone()) {
              PeerException pe = connectFailure(target, upgrade.refusal(), c.cause());
              lifecycle.failed(pe);
              result.completeExceptionally(pe);
            }
          });
    });
    Runnable cancel = () -> {
      if (result.isDone() && !result.isCompletedExceptionally()) {
        result.join().close(); // won after all: the caller no longer wants it
        return;
      }
      PeerException pe = new PeerException(PeerError.CONNECT, "dial to " + target + " cancelled");
      lifecycle.failed(pe);
      result.completeExceptionally(pe);
    };
    return new DialAttempt(result, cancel);
  }

  /** The dial's error: our certificate check's reason if it refused, else what QUIC reported. */
  private static PeerException connectFailure(Multiaddr target, HandshakeException refused, Throwable cause) {
    if (refused != null) {
      return new HandshakeException("QUIC handshake with " + target + " failed: " + refused.getMessage(), refused);
    }
    if (cause instanceof SSLException) {
      return new HandshakeException("QUIC handshake with " + target + " failed: " + cause.getMessage(), cause);
    }
    PeerException pe = PeerException.wrap(cause, PeerError.CONNECT);
    return new PeerException(pe.kind(), "could not connect to " + target + " over QUIC: " + cause.getMessage(), cause);
  }
}
