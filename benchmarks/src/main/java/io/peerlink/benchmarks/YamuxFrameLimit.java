package io.peerlink.benchmarks;

import io.peerlink.core.internal.host.HostCore;
import io.peerlink.core.internal.yamux.YamuxConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Lets a host accept yamux data frames as large as the 16 MiB window it may grant. js-libp2p's
 * yamux sizes a frame to the whole window it was granted, while a yamux that caps inbound frames at
 * 1 MiB breaks any stream from js after a couple of MiB. The library offers no setting for it
 * (yamux should accept exactly what its window allows), so the benchmarks set the field on the
 * host before it makes its first connection. Found by name: where yamux has no separate frame cap
 * any more, there is nothing to raise and this does nothing.
 */
public final class YamuxFrameLimit {
  private static final int FRAME = 16 * 1024 * 1024;

  private YamuxFrameLimit() {}

  /** Raises {@code core}'s inbound frame limit to 16 MiB; call before the host connects. */
  public static void raise(HostCore core) {
    Method cap;
    try {
      cap = YamuxConfig.Builder.class.getMethod("maxInboundDataFrame", int.class);
    } catch (NoSuchMethodException e) {
      return; // frames are bounded by the window alone
    }
    try {
      Field f = HostCore.class.getDeclaredField("yamuxConfig");
      f.setAccessible(true);
      YamuxConfig current = (YamuxConfig) f.get(core);
      YamuxConfig.Builder b = current.toBuilder();
      cap.invoke(b, FRAME);
      f.set(core, b.build());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot raise the yamux frame limit: " + e, e);
    }
  }
}
