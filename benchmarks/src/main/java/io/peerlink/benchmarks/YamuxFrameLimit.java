package io.peerlink.benchmarks;

import io.peerlink.core.internal.host.HostCore;
import io.peerlink.core.internal.yamux.YamuxConfig;
import java.lang.reflect.Field;

/**
 * Lets a host accept yamux data frames as large as the 16 MiB window it may grant. js-libp2p's
 * yamux sizes a frame to the whole window it was granted, while peerlink's yamux still refuses
 * inbound frames over 1 MiB, so without this any stream from js breaks after a couple of MiB. The
 * library offers no setting for it (yamux should accept exactly what its window allows), so the
 * benchmarks set the field on the host before it makes its first connection.
 */
public final class YamuxFrameLimit {
  private static final int FRAME = 16 * 1024 * 1024;

  private YamuxFrameLimit() {}

  /** Raises {@code core}'s inbound frame limit to 16 MiB; call before the host connects. */
  public static void raise(HostCore core) {
    try {
      Field f = HostCore.class.getDeclaredField("yamuxConfig");
      f.setAccessible(true);
      YamuxConfig current = (YamuxConfig) f.get(core);
      f.set(core, current.toBuilder().maxInboundDataFrame(FRAME).build());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot raise the yamux frame limit: " + e, e);
    }
  }
}
