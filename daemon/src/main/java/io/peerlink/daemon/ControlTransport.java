package io.peerlink.daemon;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The sockets between the daemon and its clients: the control socket it listens on and the
 * handler addresses it dials back, over TCP or Unix sockets (the JDK's, through Netty's NIO
 * transport, so no native library is needed). One event loop serves them: control traffic is
 * light, and piped stream bytes are moved without copies.
 */
final class ControlTransport implements AutoCloseable {
  private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  /**
   * Listens on {@code address}.
   *
   * @param address a Unix socket path or a TCP address
   * @param init sets up each accepted channel
   * @return completes with the bound server channel
   */
  ChannelFuture listen(ControlAddress address, Consumer<Channel> init) {
    ServerBootstrap b = new ServerBootstrap().group(loops)
        .channel(address.isUnix() ? NioServerDomainSocketChannel.class : NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            init.accept(ch);
          }
        });
    return b.bind(address.socket());
  }

  /**
   * Dials {@code address}; the channel does not read until someone turns reading on.
   *
   * @param address a Unix socket path or a TCP address
   * @param timeout how long connecting may take
   * @param init sets up the channel before it connects
   * @return completes with the connected channel
   */
  ChannelFuture dial(ControlAddress address, Duration timeout, Consumer<Channel> init) {
    Bootstrap b = new Bootstrap().group(loops)
        .channel(address.isUnix() ? NioDomainSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            init.accept(ch);
          }
        });
    return b.connect(address.socket());
  }

  /** Stops the event loop; channels still open are closed. */
  @Override
  public void close() {
    Future<?> f = loops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    f.awaitUninterruptibly();
  }
}
