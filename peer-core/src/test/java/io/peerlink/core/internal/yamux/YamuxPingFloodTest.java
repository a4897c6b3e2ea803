package io.peerlink.core.internal.yamux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.peerlink.core.LimitExceededException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer that floods pings and never reads the replies, over real TCP on 127.0.0.1: the session
 * owes it one reply per ping, and must drop the connection rather than queue them all.
 */
@Timeout(60)
class YamuxPingFloodTest {
  private static final int PINGS = 100_000;
  private static final int PINGS_PER_WRITE = 1_000;

  private EventLoopGroup group;
  private Channel server;
  private final CompletableFuture<Channel> accepted = new CompletableFuture<>();
  private final AtomicLong mostPendingBytes = new AtomicLong();
  private final CopyOnWriteArrayList<Throwable> errors = new CopyOnWriteArrayList<>();

  /** Records the most bytes the connection's outbound buffer held, frame overhead included. */
  private final class PendingProbe extends ChannelDuplexHandler {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      ctx.write(msg, promise);
      ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
      if (out != null) {
        mostPendingBytes.accumulateAndGet(out.totalPendingWriteBytes(), Math::max);
      }
    }
  }

  @BeforeEach
  void start() throws Exception {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    YamuxConfig config = YamuxConfig.builder().keepAliveInterval(Duration.ZERO).build();
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        // A small kernel send buffer, so what the peer does not read piles up in our process.
        .childOption(ChannelOption.SO_SNDBUF, 8 * 1024)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new PendingProbe());
            ch.pipeline().addLast(new YamuxSession(false, config, null));
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
              }
            });
            accepted.complete(ch);
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().sync();
    }
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
  }

  /** {@code count} yamux ping frames with SYN, opaque values from {@code first}. */
  private static byte[] pings(int first, int count) {
    ByteBuffer b = ByteBuffer.allocate(count * YamuxFrame.HEADER_LENGTH);
    for (int i = 0; i < count; i++) {
      b.put((byte) 0).put((byte) YamuxFrame.TYPE_PING).putShort((short) YamuxFrame.FLAG_SYN)
          .putInt(0).putInt(first + i);
    }
    return b.array();
  }

  @Test
  void aPeerThatPingsAndNeverReadsLosesItsConnectionAndOurQueueStaysBounded() throws Exception {
    try (Socket attacker = new Socket()) {
      attacker.setReceiveBufferSize(4 * 1024); // and it never reads
      attacker.connect(server.localAddress(), 5_000);
      Channel conn = accepted.get(10, TimeUnit.SECONDS);
      OutputStream out = attacker.getOutputStream();
      int sent = 0;
      try {
        while (sent < PINGS) {
          out.write(pings(sent, PINGS_PER_WRITE));
          sent += PINGS_PER_WRITE;
        }
        out.flush();
      } catch (IOException closedByUs) {
        // expected once the session gives up on the peer
      }

      await("the flooding connection is closed").atMost(Duration.ofSeconds(20))
          .until(() -> !conn.isOpen());
      assertThat(mostPendingBytes.get())
          .as("bytes queued for a peer that does not read, after %d pings sent", sent)
          .isLessThan(512 * 1024);
      assertThat(errors).anySatisfy(e -> assertThat(e)
          .isInstanceOf(LimitExceededException.class)
          .hasMessageContaining("maxPendingControlFrames"));
    }
  }
}
