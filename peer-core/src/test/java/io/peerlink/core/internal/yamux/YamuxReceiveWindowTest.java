package io.peerlink.core.internal.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Receive-window accounting and auto-tuning, with explicit clock values. */
class YamuxReceiveWindowTest {

  private static final int W = YamuxConfig.SPEC_INITIAL_WINDOW;
  private static final long MS = 1_000_000L;

  private static WindowBudget unlimited() {
    return new WindowBudget(Long.MAX_VALUE);
  }

  /** Consumes a whole window fast enough (within four round trips) to ask for growth. */
  private static void drainFast(ReceiveWindow rw, long nowNanos) {
    int w = rw.window();
    assertThat(rw.onReceived(w)).isTrue();
    rw.onConsumed(w);
    rw.takeUpdate(false, 10 * MS, nowNanos);
  }

  @Test
  void overrunIsDetected() {
    ReceiveWindow rw = new ReceiveWindow(W, 16 * W, unlimited(), true, 0);
    assertThat(rw.onReceived(W)).isTrue();
    assertThat(rw.onReceived(1)).isFalse();
  }

  @Test
  void updateIsDueOnlyOnceHalfTheWindowIsConsumed() {
    ReceiveWindow rw = new ReceiveWindow(W, 16 * W, unlimited(), true, 0);
    rw.onReceived(W);
    rw.onConsumed(W / 2 - 1);
    assertThat(rw.takeUpdate(false, 0, 0)).isEqualTo(-1);
    rw.onConsumed(1);
    assertThat(rw.takeUpdate(false, 0, 0)).isEqualTo(W / 2);
    assertThat(rw.credit()).isEqualTo(W / 2);
  }

  @Test
  void inboundStreamGrantsItsExtraWindowWithTheAck() {
    ReceiveWindow rw = new ReceiveWindow(4 * W, 16 * W, unlimited(), false, 0);
    assertThat(rw.credit()).isEqualTo(W);
    assertThat(rw.takeUpdate(true, 0, 0)).isEqualTo(3 * W);
    assertThat(rw.credit()).isEqualTo(4 * W);
  }

  @Test
  void windowDoublesWhenTheReaderDrainsItWithinFourRoundTrips() {
    ReceiveWindow rw = new ReceiveWindow(W, 4 * W, unlimited(), true, 0);
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
    ReceiveWindow rw = new ReceiveWindow(W, 16 * W, unlimited(), true, 0);
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
    ReceiveWindow rw = new ReceiveWindow(W, 16 * W, unlimited(), false, 0);
    assertThat(rw.takeUpdate(true, 10 * MS, 1)).isZero();
    assertThat(rw.window()).isEqualTo(W);
  }

  @Test
  void aFrameAsLargeAsTheCreditIsAcceptedAfterGrowthAndOneByteMoreIsNot() {
    ReceiveWindow rw = new ReceiveWindow(W, 64 * W, unlimited(), true, 0);
    drainFast(rw, 1 * MS);
    drainFast(rw, 2 * MS);
    drainFast(rw, 3 * MS);
    assertThat(rw.window()).isEqualTo(8 * W);
    assertThat(rw.credit()).isEqualTo(8 * W);
    assertThat(rw.onReceived(8 * W + 1)).as("one byte over the window").isFalse();
    assertThat(rw.onReceived(8 * W)).as("a whole-window frame, as js-libp2p sends").isTrue();
  }

  @Test
  void growthStopsWhenTheConnectionBudgetIsSpentAndComesBackWhenAStreamCloses() {
    WindowBudget budget = new WindowBudget(3 * W);
    ReceiveWindow a = new ReceiveWindow(W, 16 * W, budget, true, 0);
    ReceiveWindow b = new ReceiveWindow(W, 16 * W, budget, true, 0);
    drainFast(a, 1 * MS); // W -> 2W, takes W
    drainFast(a, 2 * MS); // 2W -> 4W, takes 2W: the budget is spent
    drainFast(b, 3 * MS);
    assertThat(a.window()).isEqualTo(4 * W);
    assertThat(b.window()).as("no budget left for b").isEqualTo(W);
    assertThat(b.credit()).isEqualTo(W);
    assertThat(budget.reserved()).isEqualTo(3 * W);

    a.releaseGrowth();
    assertThat(budget.reserved()).isZero();
    drainFast(b, 4 * MS);
    assertThat(b.window()).isEqualTo(2 * W);
  }

  @Test
  void partOfTheBudgetIsTakenWhenLessThanADoublingIsLeft() {
    WindowBudget budget = new WindowBudget(W / 2);
    ReceiveWindow rw = new ReceiveWindow(W, 16 * W, budget, true, 0);
    drainFast(rw, 1 * MS);
    assertThat(rw.window()).isEqualTo(W + W / 2);
    assertThat(rw.credit()).isEqualTo(W + W / 2);
  }
}
