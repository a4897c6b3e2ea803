package io.peerlink.core.internal.yamux;

import java.time.Duration;

/**
 * Limits and tuning for one yamux session. Immutable; build with {@link #builder()}, which validates
 * in {@link Builder#build()}. {@link #DEFAULT} holds every default.
 */
public final class YamuxConfig {

  /** The window every stream starts with in each direction, fixed by the spec: 256 KiB. */
  public static final int SPEC_INITIAL_WINDOW = 256 * 1024;

  /** All defaults. */
  public static final YamuxConfig DEFAULT = builder().build();

  private final int initialStreamWindow;
  private final int maxStreamWindow;
  private final int maxDataFrameSize;
  private final long maxConnectionWindowGrowth;
  private final int maxConcurrentStreams;
  private final int maxUnackedOutboundStreams;
  private final int maxPendingInboundStreams;
  private final int maxPendingControlFrames;
  private final Duration keepAliveInterval;
  private final Duration pingTimeout;
  private final int streamWriteBufferLowWaterMark;
  private final int streamWriteBufferHighWaterMark;

  private YamuxConfig(Builder b) {
    this.initialStreamWindow = b.initialStreamWindow;
    this.maxStreamWindow = b.maxStreamWindow;
    this.maxDataFrameSize = b.maxDataFrameSize;
    this.maxConnectionWindowGrowth = b.maxConnectionWindowGrowth;
    this.maxConcurrentStreams = b.maxConcurrentStreams;
    this.maxUnackedOutboundStreams = b.maxUnackedOutboundStreams;
    this.maxPendingInboundStreams = b.maxPendingInboundStreams;
    this.maxPendingControlFrames = b.maxPendingControlFrames;
    this.keepAliveInterval = b.keepAliveInterval;
    this.pingTimeout = b.pingTimeout;
    this.streamWriteBufferLowWaterMark = b.streamWriteBufferLowWaterMark;
    this.streamWriteBufferHighWaterMark = b.streamWriteBufferHighWaterMark;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.initialStreamWindow = initialStreamWindow;
    b.maxStreamWindow = maxStreamWindow;
    b.maxDataFrameSize = maxDataFrameSize;
    b.maxConnectionWindowGrowth = maxConnectionWindowGrowth;
    b.maxConcurrentStreams = maxConcurrentStreams;
    b.maxUnackedOutboundStreams = maxUnackedOutboundStreams;
    b.maxPendingInboundStreams = maxPendingInboundStreams;
    b.maxPendingControlFrames = maxPendingControlFrames;
    b.keepAliveInterval = keepAliveInterval;
    b.pingTimeout = pingTimeout;
    b.streamWriteBufferLowWaterMark = streamWriteBufferLowWaterMark;
    b.streamWriteBufferHighWaterMark = streamWriteBufferHighWaterMark;
    return b;
  }

  /** Receive window each stream grants the remote at open, in bytes. Default 256 KiB (the spec's). */
  public int initialStreamWindow() {
    return initialStreamWindow;
  }

  /** Largest receive window auto-tuning may grow a stream to, in bytes. Default 16 MiB (as go and js). */
  public int maxStreamWindow() {
    return maxStreamWindow;
  }

  /** Largest data payload this side sends in one frame, in bytes. Default 64 KiB (as go and js). */
  public int maxDataFrameSize() {
    return maxDataFrameSize;
  }

  /**
   * Most bytes the receive windows of one connection's streams may grow beyond their initial
   * windows, together. Auto-tuning doubles a fast stream's window up to {@link #maxStreamWindow()}
   * only while this budget lasts, and a closed stream gives its growth back. What one connection
   * can make us buffer is therefore at most {@code maxConcurrentStreams × initialStreamWindow} plus
   * this. Inbound data frames are not bounded separately: a frame may be as large as the window we
   * granted (js-libp2p sends whole-window frames), never larger. Default 32 MiB.
   */
  public long maxConnectionWindowGrowth() {
    return maxConnectionWindowGrowth;
  }

  /** Most streams (both directions) open at once in one session; more inbound get RST. Default 1024. */
  public int maxConcurrentStreams() {
    return maxConcurrentStreams;
  }

  /** Most streams this side opened that the remote has not ACKed yet. Default 256 (the spec's SHOULD). */
  public int maxUnackedOutboundStreams() {
    return maxUnackedOutboundStreams;
  }

  /** Most inbound streams not yet accepted (ACKed) by the application; more get RST. Default 256. */
  public int maxPendingInboundStreams() {
    return maxPendingInboundStreams;
  }

  /**
   * Most control frames owed to the remote (ping replies, window updates, RSTs refusing its
   * streams) that may be queued while the connection's outbound buffer is above its high water
   * mark, that is while the remote does not read what we send. One more closes the connection
   * with go away (internal error): a peer that pings and never reads the replies costs us this
   * many frames, not memory without end. The count starts again whenever the buffer drains.
   * Default 256 frames.
   */
  public int maxPendingControlFrames() {
    return maxPendingControlFrames;
  }

  /** Interval between keep-alive pings; {@link Duration#ZERO} turns keep-alive off. Default 30 s (as go). */
  public Duration keepAliveInterval() {
    return keepAliveInterval;
  }

  /** How long a ping may stay unanswered; a keep-alive ping that times out closes the session. Default 10 s. */
  public Duration pingTimeout() {
    return pingTimeout;
  }

  /** A stream channel's write buffer low water mark, in bytes. Default 32 KiB. */
  public int streamWriteBufferLowWaterMark() {
    return streamWriteBufferLowWaterMark;
  }

  /** A stream channel's write buffer high water mark, in bytes. Default 64 KiB. */
  public int streamWriteBufferHighWaterMark() {
    return streamWriteBufferHighWaterMark;
  }

  @Override
  public String toString() {
    return "YamuxConfig{initialStreamWindow=" + initialStreamWindow + ", maxStreamWindow=" + maxStreamWindow
        + ", maxDataFrameSize=" + maxDataFrameSize + ", maxConnectionWindowGrowth=" + maxConnectionWindowGrowth
        + ", maxConcurrentStreams=" + maxConcurrentStreams + ", maxUnackedOutboundStreams="
        + maxUnackedOutboundStreams + ", maxPendingInboundStreams=" + maxPendingInboundStreams
        + ", maxPendingControlFrames=" + maxPendingControlFrames
        + ", keepAliveInterval=" + keepAliveInterval + ", pingTimeout=" + pingTimeout
        + ", streamWriteBuffer=" + streamWriteBufferLowWaterMark + ".." + streamWriteBufferHighWaterMark + '}';
  }

  /** Builds a {@link YamuxConfig}; every setter's unit is given on the matching getter. */
  public static final class Builder {
    private int initialStreamWindow = SPEC_INITIAL_WINDOW;
    private int maxStreamWindow = 16 * 1024 * 1024;
    private int maxDataFrameSize = 64 * 1024;
    private long maxConnectionWindowGrowth = 32L * 1024 * 1024;
    private int maxConcurrentStreams = 1024;
    private int maxUnackedOutboundStreams = 256;
    private int maxPendingInboundStreams = 256;
    private int maxPendingControlFrames = 256;
    private Duration keepAliveInterval = Duration.ofSeconds(30);
    private Duration pingTimeout = Duration.ofSeconds(10);
    private int streamWriteBufferLowWaterMark = 32 * 1024;
    private int streamWriteBufferHighWaterMark = 64 * 1024;

    private Builder() {}

    /** See {@link YamuxConfig#initialStreamWindow()}; at least 256 KiB. */
    public Builder initialStreamWindow(int bytes) {
      this.initialStreamWindow = bytes;
      return this;
    }

    /** See {@link YamuxConfig#maxStreamWindow()}; at least the initial window. */
    public Builder maxStreamWindow(int bytes) {
      this.maxStreamWindow = bytes;
      return this;
    }

    /** See {@link YamuxConfig#maxDataFrameSize()}; 1 byte to 16 MiB. */
    public Builder maxDataFrameSize(int bytes) {
      this.maxDataFrameSize = bytes;
      return this;
    }

    /** See {@link YamuxConfig#maxConnectionWindowGrowth()}; 0 turns window growth off. */
    public Builder maxConnectionWindowGrowth(long bytes) {
      this.maxConnectionWindowGrowth = bytes;
      return this;
    }

    /** See {@link YamuxConfig#maxConcurrentStreams()}; at least 1. */
    public Builder maxConcurrentStreams(int streams) {
      this.maxConcurrentStreams = streams;
      return this;
    }

    /** See {@link YamuxConfig#maxUnackedOutboundStreams()}; at least 1. */
    public Builder maxUnackedOutboundStreams(int streams) {
      this.maxUnackedOutboundStreams = streams;
      return this;
    }

    /** See {@link YamuxConfig#maxPendingInboundStreams()}; at least 1. */
    public Builder maxPendingInboundStreams(int streams) {
      this.maxPendingInboundStreams = streams;
      return this;
    }

    /** See {@link YamuxConfig#maxPendingControlFrames()}; at least 1. */
    public Builder maxPendingControlFrames(int frames) {
      this.maxPendingControlFrames = frames;
      return this;
    }

    /** See {@link YamuxConfig#keepAliveInterval()}; zero turns keep-alive off. */
    public Builder keepAliveInterval(Duration interval) {
      this.keepAliveInterval = interval;
      return this;
    }

    /** See {@link YamuxConfig#pingTimeout()}; positive. */
    public Builder pingTimeout(Duration timeout) {
      this.pingTimeout = timeout;
      return this;
    }

    /** See the water mark getters; {@code 0 <= low <= high}. */
    public Builder streamWriteBufferWaterMark(int lowBytes, int highBytes) {
      this.streamWriteBufferLowWaterMark = lowBytes;
      this.streamWriteBufferHighWaterMark = highBytes;
      return this;
    }

    /** Validates and builds. */
    public YamuxConfig build() {
      require(initialStreamWindow >= SPEC_INITIAL_WINDOW, "initialStreamWindow must be >= 256 KiB");
      require(maxStreamWindow >= initialStreamWindow, "maxStreamWindow must be >= initialStreamWindow");
      require(maxDataFrameSize >= 1 && maxDataFrameSize <= 16 * 1024 * 1024,
          "maxDataFrameSize must be in [1, 16 MiB]");
      require(maxConnectionWindowGrowth >= 0, "maxConnectionWindowGrowth must be >= 0");
      require(maxConcurrentStreams >= 1, "maxConcurrentStreams must be >= 1");
      require(maxUnackedOutboundStreams >= 1, "maxUnackedOutboundStreams must be >= 1");
      require(maxPendingInboundStreams >= 1, "maxPendingInboundStreams must be >= 1");
      require(maxPendingControlFrames >= 1, "maxPendingControlFrames must be >= 1");
      require(keepAliveInterval != null && !keepAliveInterval.isNegative(),
          "keepAliveInterval must be >= 0");
      require(pingTimeout != null && !pingTimeout.isNegative() && !pingTimeout.isZero(),
          "pingTimeout must be > 0");
      require(streamWriteBufferLowWaterMark >= 0
              && streamWriteBufferLowWaterMark <= streamWriteBufferHighWaterMark,
          "stream write buffer water marks must satisfy 0 <= low <= high");
      return new YamuxConfig(this);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
