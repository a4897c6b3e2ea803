package io.peerlink.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/** Proves the harness itself: a buffer dropped without release is reported. */
class LeakDetectionExtensionTest {

  @Test
  void runsAtParanoidLevel() {
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
  }

  @Test
  void reportsADroppedBuffer() {
    leakOne();
    assertThat(LeakDetectionExtension.collectLeaks()).isNotEmpty();
  }

  private static void leakOne() {
    ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(16);
    leaked.writeInt(42);
    // dropped on purpose without release()
  }
}
