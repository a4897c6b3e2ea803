package io.peerlink.core.internal.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.security.SecureSession;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Real NIO TCP channels on 127.0.0.1 with the TLS handlers installed, for tests. Close when done. */
final class TlsLoopback implements AutoCloseable {
  static final long WAIT_SECONDS = 10;

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final List<Channel> channels = new ArrayList<>();
  /** The recorders of accepted connections, in accept order. */
  final LinkedBlockingQueue<Recorder> accepted = new LinkedBlockingQueue<>();

  /** Starts a TLS server; each accepted connection gets a {@link Recorder} that echoes what it reads. */
  InetSocketAddress listen(TlsSecurity server) throws InterruptedException {
    return listenRaw(
        ch -> {
          server.install(ch.pipeline(), null, false, null);
          Recorder r = new Recorder(true);
          ch.pipeline().addLast(r);
          accepted.add(r);
        });
  }

  /** Starts a server whose pipeline {@code init} builds. */
  InetSocketAddress listenRaw(Consumer<SocketChannel> init) throws InterruptedException {
    Channel listener =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    synchronized (channels) {
                      channels.add(ch);
                    }
                    init.accept(ch);
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    synchronized (channels) {
      channels.add(listener);
    }
    return (InetSocketAddress) listener.localAddress();
  }

  /** Dials {@code address} as a TLS client expecting {@code expected}; {@code tweak} runs after install. */
  Recorder dial(
      InetSocketAddress address, TlsSecurity client, PeerId expected, Consumer<SocketChannel> tweak)
      throws InterruptedException {
    Recorder r = new Recorder(false);
    Channel ch =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    client.install(ch.pipeline(), null, true, expected);
                    tweak.accept(ch);
                    ch.pipeline().addLast(r);
                  }
                })
            .connect(address)
            .sync()
            .channel();
    synchronized (channels) {
      channels.add(ch);
    }
    return r;
  }

  /** Connects to {@code address} with a pipeline {@code init} builds. */
  Channel connectRaw(InetSocketAddress address, Consumer<SocketChannel> init) throws InterruptedException {
    Channel ch =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    init.accept(ch);
                  }
                })
            .connect(address)
            .sync()
            .channel();
    synchronized (channels) {
      channels.add(ch);
    }
    return ch;
  }

  Recorder dial(InetSocketAddress address, TlsSecurity client, PeerId expected)
      throws InterruptedException {
    return dial(address, client, expected, ch -> {});
  }

  Recorder nextAccepted() throws InterruptedException {
    Recorder r = accepted.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no connection accepted");
    }
    return r;
  }

  @Override
  public void close() throws InterruptedException {
    List<Channel> all;
    synchronized (channels) {
      all = new ArrayList<>(channels);
    }
    for (Channel c : all) {
      c.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * The application end of a pipeline: records the {@link SecureSession}, the first exception and
   * the close; the server side echoes each read back with a {@code "echo:"} prefix; the client side
   * collects what it reads.
   */
  static final class Recorder extends ChannelInboundHandlerAdapter {
    final CompletableFuture<SecureSession> session = new CompletableFuture<>();
    final CompletableFuture<Throwable> error = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    final CompletableFuture<Channel> channel = new CompletableFuture<>();
    private final boolean echo;
    private final StringBuilder received = new StringBuilder();
    private CompletableFuture<String> expected;
    private int expectedLength;

    Recorder(boolean echo) {
      this.echo = echo;
    }

    /** Completes once {@code length} characters have arrived. Call before they can arrive. */
    synchronized CompletableFuture<String> expect(int length) {
      expected = new CompletableFuture<>();
      expectedLength = length;
      return expected;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      channel.complete(ctx.channel());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SecureSession s) {
        session.complete(s);
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      String text;
      try {
        text = buf.toString(StandardCharsets.UTF_8);
      } finally {
        buf.release();
      }
      if (echo) {
        ctx.writeAndFlush(Unpooled.copiedBuffer("echo:" + text, StandardCharsets.UTF_8));
        return;
      }
      synchronized (this) {
        received.append(text);
        if (expected != null && received.length() >= expectedLength) {
          expected.complete(received.toString());
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      error.complete(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      // Session first: tests wait on closed, then look at session.
      session.completeExceptionally(new IllegalStateException("closed without a session"));
      closed.complete(null);
      ctx.fireChannelInactive();
    }
  }
}
