package io.peerlink.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the QUIC transport ({@code /udp/N/quic-v1} addresses): QUIC's own stream limit and
 * flow-control windows, and its handshake and idle timeouts. Immutable; build with
 * {@link #builder()}, which validates in {@link Builder#build()}. Set it with
 * {@link PeerConfig.Builder#quic}. The defaults follow go-libp2p's {@code quicreuse/config.go}.
 */
public final class QuicConfig {
  private static final QuicConfig DEFAULTS = builder().build();

  private final int maxStreams;
  private final long streamWindow;
  private final long connectionWindow;
  private final Duration handshakeTimeout;
  private final Duration idleTimeout;
  private final Duration keepAliveInterval;
  private final Duration streamOpenWait;

  private QuicConfig(Builder b) {
    this.maxStreams = b.maxStreams;
    this.streamWindow = b.streamWindow;
    this.connectionWindow = b.connectionWindow;
    this.handshakeTimeout = b.handshakeTimeout;
    this.idleTimeout = b.idleTimeout;
    this.keepAliveInterval = b.keepAliveInterval;
    this.streamOpenWait = b.streamOpenWait;
  }

  /** {@return the defaults listed on each field} */
  public static QuicConfig defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder starting from this configuration} */
  public Builder toBuilder() {
    return new Builder().maxStreams(maxStreams).streamWindow(streamWindow).connectionWindow(connectionWindow)
        .handshakeTimeout(handshakeTimeout).idleTimeout(idleTimeout).keepAliveInterval(keepAliveInterval)
        .streamOpenWait(streamOpenWait);
  }

  /**
   * Most bidirectional streams the remote may have open on one connection at once: QUIC's
   * {@code initial_max_streams_bidi}, which the remote's QUIC stack enforces on itself (a stream
   * beyond it waits for one to close instead of being refused). It bounds the stream state and the
   * handlers a remote can make us hold per connection. Default 256, go-libp2p's and rust-libp2p's.
   *
   * @return the most concurrent inbound streams per connection
   */
  public int maxStreams() {
    return maxStreams;
  }

  /**
   * How many bytes the remote may send on one stream ahead of our reading it when the stream
   * opens: QUIC's {@code initial_max_stream_data_bidi_*}. Each open stream holds this much of its
   * resource scopes (connection, peer, protocol, host), as a yamux stream holds its initial window,
   * so the scopes' memory limits bound how many streams a remote can make us hold. quiche grows a
   * window whose reader keeps up (its own auto-tuning, which the codec does not expose and the
   * scopes are not charged for), bounded by {@link #connectionWindow()} for the whole connection.
   * Default 256 KiB, yamux's initial window ({@link PeerConfig#initialStreamWindow()}), so a QUIC
   * stream costs the scopes what a yamux stream does; go-libp2p starts at 512 KiB.
   *
   * @return the per-stream receive window, in bytes
   */
  public long streamWindow() {
    return streamWindow;
  }

  /**
   * How many bytes the remote may send on all streams of one connection ahead of our reading:
   * QUIC's {@code initial_max_data}. It bounds what one connection can make us buffer. Default
   * 15 MiB, go-libp2p's maximum connection window.
   *
   * @return the per-connection receive window, in bytes
   */
  public long connectionWindow() {
    return connectionWindow;
  }

  /**
   * How long the QUIC handshake (TLS 1.3 with the libp2p certificate checks) may take before the
   * dial fails; a remote that never finishes cannot hold the attempt longer. Default 5 s,
   * quic-go's and rust-libp2p's handshake timeout.
   *
   * @return the handshake timeout
   */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /**
   * How long a connection may carry no packet at all before QUIC closes it (QUIC's
   * {@code max_idle_timeout}; the smaller of the two sides' values applies). It frees the state of a
   * remote that vanished without closing. Default 30 s, quic-go's.
   *
   * @return the idle timeout
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * How often a connection sends a libp2p ping ({@code /ipfs/ping/1.0.0}) so that
   * {@link #idleTimeout()} does not close a connection that is merely quiet; {@link Duration#ZERO}
   * sends none. QUIC has a PING frame for this, but Netty's codec does not expose it. Default 15 s,
   * go-libp2p's keep-alive, half the idle timeout.
   *
   * @return the keep-alive interval, or zero for none
   */
  public Duration keepAliveInterval() {
    return keepAliveInterval;
  }

  /**
   * How long opening a stream may wait while the remote allows no more streams at once (QUIC's
   * stream limit, which the remote raises as streams close); the open fails after it. Opens wait
   * in order. It bounds how long a caller is held by a remote that never frees a stream. Default
   * 10 s, as {@link PeerConfig#streamNegotiationTimeout()}.
   *
   * @return the longest wait for a free stream
   */
  public Duration streamOpenWait() {
    return streamOpenWait;
  }

  @Override
  public String toString() {
    return "QuicConfig{maxStreams=" + maxStreams + ", streamWindow=" + streamWindow
        + ", connectionWindow=" + connectionWindow + ", handshakeTimeout=" + handshakeTimeout
        + ", idleTimeout=" + idleTimeout + ", keepAliveInterval=" + keepAliveInterval
        + ", streamOpenWait=" + streamOpenWait + "}";
  }

  /** Builds a {@link QuicConfig}; every setter has the default named on the getter. */
  public static final class Builder {
    private int maxStreams = 256;
    private long streamWindow = 256L * 1024;
    private long connectionWindow = 15L * 1024 * 1024;
    private Duration handshakeTimeout = Duration.ofSeconds(5);
    private Duration idleTimeout = Duration.ofSeconds(30);
    private Duration keepAliveInterval = Duration.ofSeconds(15);
    private Duration streamOpenWait = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * See {@link QuicConfig#maxStreams()}.
     *
     * @param v the most concurrent inbound streams per connection
     * @return this builder
     */
    public Builder maxStreams(int v) {
      this.maxStreams = v;
      return this;
    }

    /**
     * See {@link QuicConfig#streamWindow()}.
     *
     * @param v the per-stream receive window, in bytes
     * @return this builder
     */
    public Builder streamWindow(long v) {
      this.streamWindow = v;
      return this;
    }

    /**
     * See {@link QuicConfig#connectionWindow()}.
     *
     * @param v the per-connection receive window, in bytes
     * @return this builder
     */
    public Builder connectionWindow(long v) {
      this.connectionWindow = v;
      return this;
    }

    /**
     * See {@link QuicConfig#handshakeTimeout()}.
     *
     * @param v the handshake timeout
     * @return this builder
     */
    public Builder handshakeTimeout(Duration v) {
      this.handshakeTimeout = Objects.requireNonNull(v, "handshakeTimeout");
      return this;
    }

    /**
     * See {@link QuicConfig#idleTimeout()}.
     *
     * @param v the idle timeout
     * @return this builder
     */
    public Builder idleTimeout(Duration v) {
      this.idleTimeout = Objects.requireNonNull(v, "idleTimeout");
      return this;
    }

    /**
     * See {@link QuicConfig#keepAliveInterval()}.
     *
     * @param v the keep-alive interval, or zero for none
     * @return this builder
     */
    public Builder keepAliveInterval(Duration v) {
      this.keepAliveInterval = Objects.requireNonNull(v, "keepAliveInterval");
      return this;
    }

    /**
     * See {@link QuicConfig#streamOpenWait()}.
     *
     * @param v the longest wait for a free stream
     * @return this builder
     */
    public Builder streamOpenWait(Duration v) {
      this.streamOpenWait = Objects.requireNonNull(v, "streamOpenWait");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first invalid setting
     * @return the new {@code QuicConfig}
     */
    public QuicConfig build() {
      if (maxStreams < 1) {
        throw new IllegalArgumentException("maxStreams must be at least 1, was " + maxStreams);
      }
      if (streamWindow < 64 * 1024) {
        throw new IllegalArgumentException("streamWindow must be at least 64 KiB, was " + streamWindow);
      }
      if (connectionWindow < streamWindow) {
        throw new IllegalArgumentException("connectionWindow must be >= streamWindow");
      }
      if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
        throw new IllegalArgumentException("handshakeTimeout must be positive, was " + handshakeTimeout);
      }
      if (idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException("idleTimeout must be positive, was " + idleTimeout);
      }
      if (keepAliveInterval.isNegative()) {
        throw new IllegalArgumentException("keepAliveInterval must be zero (off) or positive, was " + keepAliveInterval);
      }
      if (streamOpenWait.isNegative() || streamOpenWait.isZero()) {
        throw new IllegalArgumentException("streamOpenWait must be positive, was " + streamOpenWait);
      }
      return new QuicConfig(this);
    }
  }
}
