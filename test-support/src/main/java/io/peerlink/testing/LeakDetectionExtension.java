package io.peerlink.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns a Netty buffer leak into a test failure.
 *
 * <p>Registered for every test through JUnit's extension auto-detection
 * ({@code META-INF/services/org.junit.jupiter.api.extension.Extension}). It installs a leak detector
 * factory that records every leak Netty reports, and after each test forces garbage collection,
 * makes Netty run its leak check, and fails the test if anything leaked. Surefire runs tests with
 * {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked.
 */
public final class LeakDetectionExtension implements AfterEachCallback {

  private static final List<String> LEAKS = new ArrayList<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<String> leaks = collectLeaks();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          "Netty reported " + leaks.size() + " leaked buffer(s) during or before "
              + context.getDisplayName() + ":\n" + String.join("\n----\n", leaks));
    }
  }

  /** Runs the GC and Netty's leak check, and returns (and forgets) what was reported since the last call. */
  public static List<String> collectLeaks() {
    for (int round = 0; round < 3; round++) {
      awaitGcCycle();
      // Netty reports leaks of collected buffers when the next buffer is tracked.
      for (int i = 0; i < 8; i++) {
        ByteBuf a = UnpooledByteBufAllocator.DEFAULT.buffer(8);
        a.release();
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(8);
        b.release();
      }
    }
    synchronized (LEAKS) {
      List<String> copy = new ArrayList<>(LEAKS);
      LEAKS.clear();
      return copy;
    }
  }

  private static void awaitGcCycle() {
    WeakReference<Object> sentinel = new WeakReference<>(new Object());
    for (int i = 0; i < 20 && sentinel.get() != null; i++) {
      System.gc();
    }
    // Give the reference handler a moment to enqueue what the GC found.
    Thread.yield();
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return new RecordingDetector<>(resource, samplingInterval);
    }
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      synchronized (LEAKS) {
        LEAKS.add("LEAK: " + resourceType + records);
      }
      super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      synchronized (LEAKS) {
        LEAKS.add("LEAK (untraced): " + resourceType);
      }
      super.reportUntracedLeak(resourceType);
    }
  }
}
