package io.peerlink.core.internal.host;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;

/** Picks the native epoll transport where it loads, NIO otherwise. */
public final class Transports {
  private static final boolean EPOLL = Epoll.isAvailable();

  private Transports() {}

  /** A new event loop group of {@code threads} threads (0 = Netty's default, twice the cores). */
  public static EventLoopGroup newGroup(int threads, String name) {
    DefaultThreadFactory tf = new DefaultThreadFactory(name, true);
    return new MultiThreadIoEventLoopGroup(
        threads, tf, EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  /** The client socket channel class matching {@link #newGroup}. */
  public static Class<? extends Channel> socketChannel() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** The UDP channel class matching {@link #newGroup}, for QUIC. */
  public static Class<? extends Channel> datagramChannel() {
    return EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  /** The server socket channel class matching {@link #newGroup}. */
  public static Class<? extends ServerChannel> serverSocketChannel() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /**
   * Sets SO_REUSEADDR and SO_REUSEPORT on {@code b}, so a listening socket and outgoing sockets
   * can share one local port: hole punching dials from the listening port, so the NAT mapping
   * the peer learnt stays the one the punch uses.
   */
  public static void reusePort(AbstractBootstrap<?, ?> b) {
    b.option(ChannelOption.SO_REUSEADDR, true);
    if (EPOLL) {
      b.option(EpollChannelOption.SO_REUSEPORT, true);
    } else {
      b.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
    }
  }

  /**
   * Fails if a socket already listens on {@code address}, which SO_REUSEPORT alone would let a
   * second listener share (the kernel would then split new connections between the two). A socket
   * without SO_REUSEPORT is bound there and closed at once: binding it fails while anything listens
   * on the port, yet not because of connections that merely use it (accepted ones, hole punches,
   * ones in TIME_WAIT), since it has SO_REUSEADDR. Port 0 needs no check.
   *
   * @throws BindException if the port is in use
   * @throws IOException if the check itself fails
   */
  public static void requireUnusedPort(InetSocketAddress address) throws IOException {
    if (address.getPort() == 0) {
      return;
    }
    try (SocketChannel probe = SocketChannel.open()) {
      probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      probe.bind(address);
    }
  }

  /**
   * Sets SO_REUSEPORT, and not SO_REUSEADDR, on a UDP socket's bootstrap: a QUIC listen socket and
   * the dial sockets bound to its port to dial from it. SO_REUSEADDR is left off because for UDP it
   * would let any program bind the port beside us, whatever its user.
   */
  public static void reuseUdpPort(AbstractBootstrap<?, ?> b) {
    if (EPOLL) {
      b.option(EpollChannelOption.SO_REUSEPORT, true);
    } else {
      b.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
    }
  }

  /**
   * Fails if any UDP socket is bound at {@code address}'s port (for its address), which SO_REUSEPORT
   * alone would let a second QUIC listener of the same user share. A socket with neither
   * SO_REUSEADDR nor SO_REUSEPORT is bound there and closed at once: that fails while anything is
   * bound. Port 0 needs no check.
   *
   * @throws BindException if the port is in use
   * @throws IOException if the check itself fails
   */
  public static void requireUnusedUdpPort(InetSocketAddress address) throws IOException {
    if (address.getPort() == 0) {
      return;
    }
    try (DatagramChannel probe = DatagramChannel.open()) {
      probe.bind(address);
    }
  }

  /**
   * Sets SO_REUSEADDR and SO_REUSEPORT on a client socket before it binds. Netty's epoll socket
   * channel takes no SO_REUSEPORT option (only server and datagram channels do), so the flag goes
   * on its file descriptor directly.
   */
  public static void reusePort(Channel ch) {
    ch.config().setOption(ChannelOption.SO_REUSEADDR, true);
    if (ch instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
      try {
        socket.setReusePort(true);
      } catch (IOException e) {
        throw new UncheckedIOException("could not set SO_REUSEPORT", e);
      }
    } else {
      ch.config().setOption(
          NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
    }
  }

  /** Whether the native epoll transport is in use. */
  public static boolean nativeTransport() {
    return EPOLL;
  }
}
