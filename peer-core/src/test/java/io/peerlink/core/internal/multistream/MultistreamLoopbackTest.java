package io.peerlink.core.internal.multistream;

import static io.peerlink.core.internal.multistream.MultistreamTestSupport.concat;
import static io.peerlink.core.internal.multistream.MultistreamTestSupport.messages;
import static io.peerlink.core.internal.multistream.MultistreamTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.peerlink.core.PeerException;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.internal.protocol.PingClient;
import io.peerlink.core.internal.protocol.PingHandler;
import io.peerlink.core.internal.protocol.ProtocolIds;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** multistream-select, echo and ping between two real TCP channels on 127.0.0.1. */
class MultistreamLoopbackTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private EventLoopGroup group;
  private Channel server;
  private final CompletableFuture<String> serverResult = new CompletableFuture<>();

  @BeforeEach
  void startServer() {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    Function<String, ChannelHandler> handlers = id -> switch (id) {
      case ProtocolIds.ECHO -> new EchoHandler();
      case ProtocolIds.PING -> new PingHandler();
      default -> null;
    };
    server = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new MultistreamResponder(handlers, serverResult, TIMEOUT));
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0))
        .syncUninterruptibly()
        .channel();
  }

  @AfterEach
  void stop() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private Channel connect(ChannelHandler handler) {
    return new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .handler(handler)
        .connect(server.localAddress())
        .syncUninterruptibly()
        .channel();
  }

  /** Collects everything read until the remote half-closes or the channel closes. */
  private static final class ReadToEnd extends ChannelInboundHandlerAdapter {
    final CompletableFuture<byte[]> all = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        bytes.writeBytes(ByteBufUtil.getBytes(buf));
      } finally {
        buf.release();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        all.complete(bytes.toByteArray());
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      all.complete(bytes.toByteArray());
    }
  }

  @Test
  void refusedFirstProposalThenEchoesALargePayloadAndHalfCloses() throws Exception {
    CompletableFuture<String> selected = new CompletableFuture<>();
    ReadToEnd reader = new ReadToEnd();
    Channel client = connect(new MultistreamInitiator(
        List.of(ProtocolIds.TLS, ProtocolIds.ECHO), p -> reader, selected, TIMEOUT));

    assertThat(selected.get(10, TimeUnit.SECONDS)).isEqualTo(ProtocolIds.ECHO);
    assertThat(serverResult.get(10, TimeUnit.SECONDS)).isEqualTo(ProtocolIds.ECHO);

    byte[] payload = new byte[1 << 20];
    new Random(42).nextBytes(payload);
    // Shut down output only once written: Netty fails writes still queued at shutdownOutput().
    client.writeAndFlush(Unpooled.wrappedBuffer(payload))
        .addListener(f -> ((DuplexChannel) client).shutdownOutput());

    assertThat(reader.all.get(10, TimeUnit.SECONDS)).isEqualTo(payload);
    client.close().syncUninterruptibly();
  }

  @Test
  void responderHandlesHeaderProposalAndDataInOneSegment() throws Exception {
    ReadToEnd reader = new ReadToEnd();
    Channel client = connect(reader);
    byte[] data = utf8("data sent before any answer");
    client.writeAndFlush(Unpooled.wrappedBuffer(
        concat(messages("/multistream/1.0.0", ProtocolIds.ECHO), data)))
        .addListener(f -> ((DuplexChannel) client).shutdownOutput());

    assertThat(reader.all.get(10, TimeUnit.SECONDS))
        .isEqualTo(concat(messages("/multistream/1.0.0", ProtocolIds.ECHO), data));
    assertThat(serverResult.get(10, TimeUnit.SECONDS)).isEqualTo(ProtocolIds.ECHO);
  }

  @Test
  void optimisticInitiatorWritesBeforeTheEchoAndReadsTheReply() throws Exception {
    CompletableFuture<String> selected = new CompletableFuture<>();
    ReadToEnd reader = new ReadToEnd();
    ChannelInboundHandlerAdapter eager = new ChannelInboundHandlerAdapter() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(utf8("optimistic")))
            .addListener(f -> ((DuplexChannel) ctx.channel()).shutdownOutput());
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reader.channelRead(ctx, msg);
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        reader.userEventTriggered(ctx, evt);
      }
    };
    connect(MultistreamInitiator.optimistic(ProtocolIds.ECHO, eager, selected, TIMEOUT));

    assertThat(reader.all.get(10, TimeUnit.SECONDS)).isEqualTo(utf8("optimistic"));
    assertThat(selected).isCompletedWithValue(ProtocolIds.ECHO);
  }

  @Test
  void pingsThreeTimesOnOneStream() throws Exception {
    CompletableFuture<String> selected = new CompletableFuture<>();
    PingClient ping = new PingClient(TIMEOUT);
    Channel client = connect(
        new MultistreamInitiator(List.of(ProtocolIds.PING), p -> ping, selected, TIMEOUT));
    selected.get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      Duration rtt = ping.ping().get(10, TimeUnit.SECONDS);
      assertThat(rtt).isPositive();
    }
    client.close().syncUninterruptibly();
  }

  @Test
  void noCommonProtocolFailsBothSides() throws Exception {
    CompletableFuture<String> selected = new CompletableFuture<>();
    Channel client = connect(new MultistreamInitiator(
        List.of(ProtocolIds.TLS, ProtocolIds.NOISE), selected, TIMEOUT));

    assertThatThrownBy(() -> selected.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ProtocolNegotiationException.class)
        .hasMessage("remote supports none of [/tls/1.0.0, /noise]");
    assertThat(client.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> serverResult.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(PeerException.class);
  }
}
