package io.peerlink.core.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.peerlink.core.HandshakeException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.security.SecureSession;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link NoiseHandler} over real NIO TCP channels on 127.0.0.1. */
class NoiseLoopbackTest {
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  private static final List<String> YAMUX = List.of("/yamux/1.0.0");

  private final Identity serverId = Identity.generate();
  private final Identity clientId = Identity.generate();
  private EventLoopGroup group;
  private Channel server;
  private final CompletableFuture<SecureSession> serverSession = new CompletableFuture<>();
  private final CompletableFuture<Throwable> serverFailure = new CompletableFuture<>();

  @BeforeEach
  void startServer() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new NoiseHandler(serverId, false, null, YAMUX, HANDSHAKE_TIMEOUT),
                new Echo());
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  @AfterEach
  void stop() throws Exception {
    server.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void handshakeAndEchoOneMebibyte() throws Exception {
    NoiseRecorder rec = new NoiseRecorder();
    byte[] data = new byte[1 << 20];
    ThreadLocalRandom.current().nextBytes(data);
    rec.expect(data.length);
    Channel client = connect(new NoiseHandler(clientId, true, serverId.peerId(), YAMUX, HANDSHAKE_TIMEOUT), rec);
    try {
      SecureSession s = rec.session.get(10, TimeUnit.SECONDS);
      assertThat(s.remotePeerId().bytes()).isEqualTo(serverId.peerId().bytes());
      assertThat(s.earlyMuxer()).isEqualTo("/yamux/1.0.0");
      SecureSession theirs = serverSession.get(10, TimeUnit.SECONDS);
      assertThat(theirs.remotePeerId().bytes()).isEqualTo(clientId.peerId().bytes());

      client.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
      assertThat(rec.expected.get(10, TimeUnit.SECONDS)).isEqualTo(data);
      assertThat(serverFailure).isNotDone();
    } finally {
      client.close().sync();
      rec.received.release();
    }
  }

  @Test
  void wrongPeerIsRejectedOverTcp() throws Exception {
    NoiseRecorder rec = new NoiseRecorder();
    Identity other = Identity.generate();
    Channel client = connect(new NoiseHandler(clientId, true, other.peerId(), YAMUX, HANDSHAKE_TIMEOUT), rec);
    try {
      assertThat(rec.failure.get(10, TimeUnit.SECONDS)).isInstanceOf(HandshakeException.class)
          .hasMessageContaining("expected peer " + other.peerId());
      client.closeFuture().get(10, TimeUnit.SECONDS);
      // The server sees the connection close before message 3.
      assertThat(serverFailure.get(10, TimeUnit.SECONDS)).isInstanceOf(HandshakeException.class);
    } finally {
      client.close().sync();
      rec.received.release();
    }
  }

  private Channel connect(NoiseHandler handler, NoiseRecorder rec) throws InterruptedException {
    return new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(handler, rec);
          }
        })
        .connect(server.localAddress()).sync().channel();
  }

  /** Echoes plaintext back; the write goes through the server's NoiseHandler again. */
  private final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SecureSession s) {
        serverSession.complete(s);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg); // ownership passes to the NoiseHandler, which releases it
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      serverFailure.complete(cause);
    }
  }
}
