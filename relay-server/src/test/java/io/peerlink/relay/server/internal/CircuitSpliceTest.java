package io.peerlink.relay.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.peerlink.core.event.CircuitEnd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CircuitSpliceTest {

  private final TestStreamChannel source = new TestStreamChannel();
  private final TestStreamChannel target = new TestStreamChannel();
  private final long[] counted = new long[2];

  @AfterEach
  void release() {
    source.finishAndReleaseAll();
    target.finishAndReleaseAll();
  }

  private CircuitSplice splice(long data, Duration duration) {
    source.config().setAutoRead(false);
    target.config().setAutoRead(false);
    CircuitSplice s = new CircuitSplice(source, target, data, duration, Duration.ofSeconds(10),
        TestStreamChannel::reset, (toTarget, n) -> counted[toTarget ? 0 : 1] += n);
    s.start(new ArrayList<>(), new ArrayList<>());
    return s;
  }

  private static ByteBuf bytes(int n, int fill) {
    ByteBuf b = Unpooled.directBuffer(n);
    for (int i = 0; i < n; i++) {
      b.writeByte(fill + i);
    }
    return b;
  }

  /** Drains what was written to {@code ch} into one array, releasing the buffers. */
  private static byte[] drain(TestStreamChannel ch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      out.writeBytes(ByteBufUtil.getBytes(b));
      b.release();
    }
    return out.toByteArray();
  }

  @Test
  void forwardsBothWaysSameBuffer() {
    CircuitSplice s = splice(0, Duration.ZERO);
    assertThat(source.config().isAutoRead()).isTrue();
    assertThat(target.config().isAutoRead()).isTrue();
    ByteBuf in = bytes(100, 1);
    source.writeInbound(in);
    ByteBuf out = target.readOutbound();
    assertThat(out).isSameAs(in); // zero copy: the very buffer
    assertThat(out.readableBytes()).isEqualTo(100);
    out.release();
    target.writeInbound(bytes(7, 9));
    assertThat(drain(source)).hasSize(7);
    assertThat(s.bytesToTarget()).isEqualTo(100);
    assertThat(s.bytesToSource()).isEqualTo(7);
    assertThat(counted).containsExactly(100, 7);
    assertThat(s.isEnded()).isFalse();
  }

  @Test
  void pendingHandshakeBytesGoFirstAndCount() {
    source.config().setAutoRead(false);
    target.config().setAutoRead(false);
    CircuitSplice s = new CircuitSplice(source, target, 10, Duration.ZERO, Duration.ofSeconds(10),
        TestStreamChannel::reset, null);
    s.start(new ArrayList<>(List.of(bytes(4, 0))), new ArrayList<>(List.of(bytes(3, 0))));
    assertThat(drain(target)).hasSize(4);
    assertThat(drain(source)).hasSize(3);
    source.writeInbound(bytes(6, 0));
    assertThat(drain(target)).hasSize(6);
    assertThat(s.isEnded()).isFalse(); // exactly 10: still open
  }

  @Test
  void dataLimitToTheBytePerDirection() {
    CircuitSplice s = splice(1000, Duration.ZERO);
    // target->source uses its own budget
    target.writeInbound(bytes(1000, 0));
    assertThat(drain(source)).hasSize(1000);
    assertThat(s.isEnded()).isFalse();
    source.writeInbound(bytes(600, 0));
    source.writeInbound(bytes(400, 0));
    assertThat(drain(target)).hasSize(1000);
    assertThat(s.isEnded()).isFalse();
    // one more byte exceeds the limit: not forwarded, both reset
    source.writeInbound(bytes(1, 0));
    assertThat(drain(target)).isEmpty();
    assertThat(s.endFuture()).isCompletedWithValue(CircuitEnd.DATA_LIMIT);
    assertThat(source.reset).isTrue();
    assertThat(target.reset).isTrue();
  }

  @Test
  void dataLimitForwardsThePrefixOfTheCrossingRead() {
    CircuitSplice s = splice(1000, Duration.ZERO);
    source.writeInbound(bytes(999, 0));
    ByteBuf crossing = bytes(10, 50);
    source.writeInbound(crossing);
    byte[] got = drain(target);
    assertThat(got).hasSize(1000);
    assertThat(got[999]).isEqualTo((byte) 50);
    assertThat(s.bytesToTarget()).isEqualTo(1000);
    assertThat(s.endFuture()).isCompletedWithValue(CircuitEnd.DATA_LIMIT);
    assertThat(source.reset && target.reset).isTrue();
    assertThat(source.isOpen() || target.isOpen()).isFalse();
  }

  @Test
  void durationLimitResetsBoth() {
    CircuitSplice s = splice(0, Duration.ofSeconds(120));
    source.advanceTimeBy(119, TimeUnit.SECONDS);
    source.runScheduledPendingTasks();
    assertThat(s.isEnded()).isFalse();
    source.writeInbound(bytes(5, 0));
    assertThat(drain(target)).hasSize(5);
    source.advanceTimeBy(1, TimeUnit.SECONDS);
    source.runScheduledPendingTasks();
    assertThat(s.endFuture()).isCompletedWithValue(CircuitEnd.DURATION_LIMIT);
    assertThat(source.reset && target.reset).isTrue();
  }

  @Test
  void halfClosePropagatesAndBothFinsCloseNormally() {
    CircuitSplice s = splice(0, Duration.ZERO);
    source.writeInbound(bytes(3, 0));
    source.remoteFin();
    assertThat(drain(target)).hasSize(3);
    assertThat(target.outputShut).isTrue();
    assertThat(source.outputShut).isFalse();
    // the other direction still flows
    target.writeInbound(bytes(8, 0));
    assertThat(drain(source)).hasSize(8);
    assertThat(s.isEnded()).isFalse();
    target.remoteFin();
    assertThat(source.outputShut).isTrue();
    assertThat(s.endFuture()).isCompletedWithValue(CircuitEnd.COMPLETED);
    assertThat(source.isOpen() || target.isOpen()).isFalse();
    assertThat(source.reset || target.reset).isFalse();
  }

  @Test
  void backpressureBothWays() {
    splice(0, Duration.ZERO);
    target.remoteWindowOpen(false);
    source.runPendingTasks();
    assertThat(source.config().isAutoRead()).isFalse();
    assertThat(target.config().isAutoRead()).isTrue();
    target.remoteWindowOpen(true);
    source.runPendingTasks();
    assertThat(source.config().isAutoRead()).isTrue();
    source.remoteWindowOpen(false);
    target.runPendingTasks();
    assertThat(target.config().isAutoRead()).isFalse();
    assertThat(source.config().isAutoRead()).isTrue();
    source.remoteWindowOpen(true);
    target.runPendingTasks();
    assertThat(target.config().isAutoRead()).isTrue();
  }

  @Test
  void startsPausedWhenTheOtherSideIsUnwritable() {
    target.remoteWindowOpen(false);
    splice(0, Duration.ZERO);
    assertThat(source.config().isAutoRead()).isFalse();
    assertThat(target.config().isAutoRead()).isTrue();
  }

  @Test
  void closeOfOneSideResetsTheOther() {
    CircuitSplice s = splice(0, Duration.ZERO);
    source.writeInbound(bytes(3, 0));
    drain(target);
    source.close();
    assertThat(s.endFuture()).isCompletedWithValue(CircuitEnd.RESET);
    assertThat(target.reset).isTrue();
  }

  @Test
  void exceptionResetsBoth() {
    CircuitSplice s = splice(0, Duration.ZERO);
    target.pipeline().fireExceptionCaught(new IOException("stream reset by remote"));
    assertThat(s.endFuture()).isCompletedWithValue(CircuitEnd.RESET);
    assertThat(source.reset && target.reset).isTrue();
  }

  @Test
  void abortStops() {
    CircuitSplice s = splice(0, Duration.ZERO);
    s.abort(CircuitEnd.STOPPED);
    s.abort(CircuitEnd.RESET);
    assertThat(s.endFuture()).isCompletedWithValue(CircuitEnd.STOPPED);
    assertThat(source.reset && target.reset).isTrue();
  }
}
