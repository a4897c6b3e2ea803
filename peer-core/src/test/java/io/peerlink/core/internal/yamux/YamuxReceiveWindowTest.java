package io.peerlink.core.internal.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Receive-window accounting and auto-tuning, with explicit clock values. */
class YamuxReceiveWindowTest {

  private static final int W = YamuxConfig.SPEC_INITIAL_WINDOW;
  private static final long MS = 1_000_000L;

  @Test
  void overrunIsDetected() {
    ReceiveWindow rw = new ReceiveWindow(W, 16 * W, true, 0);
    assertThat(rw.onReceived(W)).isTrue();
    assertThat(rw.onReceived(1)).isFalse();
  }

  @Test
  void updateIsDueOnlyOnceHalfTheWindowIsConsumed() {
    ReceiveWindow rw = new ReceiveWindow(W, 16 * W, true, 0);
    rw.onReceived(W);
    rw.onConsumed(W / 2 - 1);
    assertThat(rw.takeUpdate(false, 0, 0)).isEqualTo(-1);
    rw.onConsumed(1);
    assertThat(rw.takeUpdate(false, 0, 0)).isEqualTo(W / 2);
    assertThat(rw.credit()).isEqualTo(W / 2);
  }

  @Test
  void inboundStreamGrantsItsExtraWindowWithTheAck() {
    ReceiveWindow rw = new ReceiveWindow(4 * W, 16 * W, false, 0);
    assertThat(rw.credit()).isEqualTo(W);
    assertThat(rw.takeUpdate(true, 0, 0)).isEqualTo(3 * W);
    assertThat(rw.credit()).isEqualTo(4 * W);
  }

  @Test
  void windowDoublesWhenTheReaderDrainsItWithinFourRoundTrips() {
    ReceiveWindow rw = new ReceiveWindow(W, 4 * W, true, 0);
    rw.onReceived(W);
    rw.onConsumed(W);
    long delta = rw.takeUpdate(false, 10 * MS, 39 * MS); // within 4 RTT of the epoch start
    assertThat(rw.window()).isEqualTo(2 * W);
    assertThat(delta).isEqualTo(W + W); // what was consumed plus the growth
    rw.onReceived(2 * W);
    rw.onConsumed(2 * W);
    rw.takeUpdate(false, 10 * MS, 40 * MS);
    assertThat(rw.window()).isEqualTo(4 * W);
    rw.onReceived(4 * W);
    rw.onConsumed(4 * W);
    rw.takeUpdate(false, 10 * MS, 41 * MS);
    assertThat(rw.window()).as("capped at the maximum").isEqualTo(4 * W);
    assertThat(rw.credit()).isEqualTo(4 * W);
  }

  @Test
  void windowStaysWhenTheReaderIsSlowOrRttUnknown() {
    ReceiveWindow rw = new ReceiveWindow(W, 16 * W, true, 0);
    rw.onReceived(W);
    rw.onConsumed(W);
    rw.takeUpdate(false, 10 * MS, 41 * MS);
    assertThat(rw.window()).isEqualTo(W);
    rw.onReceived(W);
    rw.onConsumed(W);
    rw.takeUpdate(false, 0, 42 * MS);
    assertThat(rw.window()).isEqualTo(W);
  }

  @Test
  void ackNeverGrowsTheWindow() {
    ReceiveWindow rw = new ReceiveWindow(W, 16 * W, false, 0);
    assertThat(rw.takeUpdate(true, 10 * MS, 1)).isZero();
    assertThat(rw.window()).isEqualTo(W);
  }
}
