package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.peerlink.core.identity.Identity;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing a listener returns within {@link PeerConfig#closeTimeout()} plus
 * {@link PeerConfig#FORCED_CLOSE_BOUND} whatever state its connections and event loops are in: a
 * remote that never reads what we send, and an event loop a handler keeps stuck.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BoundedCloseLoopbackTest extends PeerTestSupport {
  private static final Duration GRACE = Duration.ofMillis(500);
  /** The bound close must keep, with room for a loaded machine's scheduling. */
  private static final Duration BOUND = GRACE.plus(PeerConfig.FORCED_CLOSE_BOUND).plusSeconds(1);
  private static final PeerConfig QUICK_CLOSE = FAST.toBuilder().closeTimeout(GRACE).build();

  @Test
  void closeReturnsWithinTheBoundWhileAnEventLoopIsStuck() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Listener server = Listener.builder(Identity.generate()).config(QUICK_CLOSE).listenOn(LOOPBACK)
        .handler("/test/stuck/1.0.0", s -> {
          entered.countDown();
          release.await(); // keeps the connection's event loop busy: no close can run on it
        })
        .build().start().join();
    try {
      Peer peer = get(connector().connect(server.listenAddresses().get(0)));
      peer.newStream("/test/stuck/1.0.0", s -> {});
      assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
      long took = timeClose(server);
      assertThat(Duration.ofNanos(took)).isLessThan(BOUND);
    } finally {
      release.countDown();
    }
  }

  @Test
  void closeReturnsWithinTheBoundWhileTheRemoteNeverReads() throws Exception {
    AtomicLong sent = new AtomicLong();
    Listener server = Listener.builder(Identity.generate()).config(QUICK_CLOSE).listenOn(LOOPBACK)
        .handler("/test/flood/1.0.0", s -> s.channel().pipeline().addLast(new Flood(sent)))
        .build().start().join();
    Peer peer = get(connector().connect(server.listenAddresses().get(0)));
    Stream stream = get(peer.newStream("/test/flood/1.0.0", s -> {}));
    stream.channel().parent().config().setAutoRead(false); // the whole connection stops reading
    await("the server's writes back up", () -> sent.get() >= 256 * 1024);
    long took = timeClose(server);
    assertThat(Duration.ofNanos(took)).isLessThan(BOUND);
  }

  @Test
  void closingTwiceReturnsBothTimesWithinTheBound() throws Exception {
    Listener server = Listener.builder(Identity.generate()).config(QUICK_CLOSE).listenOn(LOOPBACK)
        .build().start().join();
    Peer peer = get(connector().connect(server.listenAddresses().get(0)));
    assertThat(Duration.ofNanos(timeClose(server))).isLessThan(BOUND);
    await("the connection to close", () -> !peer.isOpen());
    assertThat(Duration.ofNanos(timeClose(server))).as("the second close").isLessThan(BOUND);
    assertThat(server.closeAsync()).succeedsWithin(BOUND);
  }

  private static long timeClose(Listener server) {
    long start = System.nanoTime();
    assertTimeoutPreemptively(Duration.ofSeconds(20), server::close, "Listener.close hung");
    return System.nanoTime() - start;
  }

  /** Writes whenever the stream is writable, forever. */
  private static final class Flood extends ChannelInboundHandlerAdapter {
    private final AtomicLong sent;

    Flood(AtomicLong sent) {
      this.sent = sent;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.executor().execute(() -> write(ctx));
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      write(ctx);
    }

    private void write(ChannelHandlerContext ctx) {
      while (ctx.channel().isActive() && ctx.channel().isWritable()) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[16 * 1024]));
        sent.addAndGet(16 * 1024);
      }
    }
  }
}
