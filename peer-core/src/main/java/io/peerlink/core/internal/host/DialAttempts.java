package io.peerlink.core.internal.host;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.DialAttempt;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Single dial attempts: one TCP connect to one socket address, then the connection upgrade, as a
 * cancellable {@link DialAttempt}. Retries, DNS and several addresses are the {@link Dialer}'s.
 */
final class DialAttempts {
  private final HostCore core;

  DialAttempts(HostCore core) {
    this.core = core;
  }

  /**
   * Dials one resolved socket address (or, unresolved, lets Netty resolve it) and upgrades the
   * connection, expecting {@code expected}. {@code display} names the address in errors.
   */
  DialAttempt dial(PeerId expected, InetSocketAddress socket, Multiaddr display) {
    return dial(expected, socket, display, core.config().connectTimeout());
  }

  /** As {@link #dial(PeerId, InetSocketAddress, Multiaddr)}, with its own TCP connect timeout. */
  DialAttempt dial(PeerId expected, InetSocketAddress socket, Multiaddr display, Duration connectTimeout) {
    CompletableFuture<Peer> result = new CompletableFuture<>();
    ConnectionLifecycle lifecycle = ConnectionLifecycle.start(core, Direction.OUTBOUND, display, expected);
    Multiaddr target = display.withPeerId(expected);
    Bootstrap b = new Bootstrap()
        .group(core.eventLoops())
        .channel(Transports.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis(connectTimeout))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ConnectionUpgrader.install(core, ch, Direction.OUTBOUND, expected, ConnectionPath.DIRECT, lifecycle,
                result);
          }
        });
    ChannelFuture cf = b.connect(socket);
    cf.addListener(f -> {
      if (!f.isSuccess() && !f.isCancelled()) {
        PeerException pe = connectFailure(target, f.cause());
        lifecycle.failed(pe);
        result.completeExceptionally(pe);
      }
    });
    Runnable cancel = () -> {
      if (result.isDone() && !result.isCompletedExceptionally()) {
        result.join().close(); // won after all: the caller no longer wants it
        return;
      }
      PeerException pe = new PeerException(PeerError.CONNECT, "dial to " + target + " cancelled");
      lifecycle.failed(pe);
      result.completeExceptionally(pe);
      cf.cancel(false);
      cf.channel().close();
    };
    return new DialAttempt(result, cancel);
  }

  /**
   * Dials {@code remote} from {@code local} (our listening port, shared with SO_REUSEADDR and
   * SO_REUSEPORT) for hole punching: both peers dial at once, TCP simultaneous open joins the two
   * attempts into one connection, and {@code role} says which side of the upgrade we play
   * ({@link Direction#OUTBOUND}: multistream initiator, security client, yamux client). The
   * connection's path is {@code path} (HOLE_PUNCHED).
   */
  DialAttempt dialFromListenPort(PeerId expected, InetSocketAddress remote, InetSocketAddress local,
      Direction role, ConnectionPath path, Duration connectTimeout) {
    CompletableFuture<Peer> result = new CompletableFuture<>();
    Multiaddr display = Multiaddr.fromSocketAddress(remote);
    ConnectionLifecycle lifecycle = ConnectionLifecycle.start(core, role, display, expected);
    Bootstrap b = new Bootstrap()
        .group(core.eventLoops())
        .channel(Transports.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis(connectTimeout))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            Transports.reusePort(ch); // registered, not yet bound: the flags apply to the bind
            ConnectionUpgrader.install(core, ch, role, expected, path, lifecycle, result);
          }
        });
    ChannelFuture cf = b.connect(remote, local);
    cf.addListener(f -> {
      if (!f.isSuccess() && !f.isCancelled()) {
        PeerException pe = connectFailure(display.withPeerId(expected), f.cause());
        lifecycle.failed(pe);
        result.completeExceptionally(pe);
      }
    });
    Runnable cancel = () -> {
      if (result.isDone()) {
        return;
      }
      PeerException pe = new PeerException(PeerError.CONNECT, "dial to " + display + " cancelled");
      lifecycle.failed(pe);
      result.completeExceptionally(pe);
      cf.cancel(false);
      cf.channel().close();
    };
    return new DialAttempt(result, cancel);
  }

  private static int connectTimeoutMillis(Duration timeout) {
    return (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
  }

  private static PeerException connectFailure(Multiaddr target, Throwable cause) {
    PeerException pe = PeerException.wrap(cause, PeerError.CONNECT);
    if (pe.kind() == PeerError.TIMEOUT) {
      return new PeerTimeoutException(
          "TCP connect to " + target + " timed out; is the peer reachable from here?", cause);
    }
    return new PeerException(
        pe.kind(), "could not connect to " + target + ": " + cause.getMessage()
            + " (check the address and that the peer is running)", cause);
  }
}
