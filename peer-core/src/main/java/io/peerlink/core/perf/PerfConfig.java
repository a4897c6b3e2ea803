package io.peerlink.core.perf;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and tuning of the perf protocol, for both the server and the client. Immutable; build
 * with {@link #builder()}, which validates in {@link Builder#build()}.
 */
public final class PerfConfig {
  private static final PerfConfig DEFAULTS = builder().build();

  private final long maxDownloadBytes;
  private final Duration idleTimeout;
  private final int blockSize;

  private PerfConfig(Builder b) {
    this.maxDownloadBytes = b.maxDownloadBytes;
    this.idleTimeout = b.idleTimeout;
    this.blockSize = b.blockSize;
  }

  /** {@return the defaults listed on each field} */
  public static PerfConfig defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder starting from this configuration} */
  public Builder toBuilder() {
    return new Builder().maxDownloadBytes(maxDownloadBytes).idleTimeout(idleTimeout).blockSize(blockSize);
  }

  /**
   * Server: the most bytes a remote may ask to be sent back on one stream; a larger request (the
   * wire field is an unsigned 64-bit number, so up to 2^64 - 1) resets the stream before anything
   * is sent. Default 1 GiB. Sending costs the server no memory (one reused block), but it does cost
   * CPU and bandwidth for as long as the remote keeps reading.
   *
   * @return the largest download a remote may ask for, in bytes
   */
  public long maxDownloadBytes() {
    return maxDownloadBytes;
  }

  /**
   * Both sides: a perf stream on which no byte moved either way for this long is reset. It bounds
   * a remote that opens a stream and never half-closes it, or stops reading what it asked for.
   * {@link Duration#ZERO} turns it off. Default 30 s.
   *
   * @return how long a perf stream may stall
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * Bytes per write, each a slice of one block filled once per stream. Default 64 KiB, what
   * go-libp2p and js-libp2p write.
   *
   * @return the write size, in bytes
   */
  public int blockSize() {
    return blockSize;
  }

  @Override
  public String toString() {
    return "PerfConfig{maxDownloadBytes=" + maxDownloadBytes + ", idleTimeout=" + idleTimeout
        + ", blockSize=" + blockSize + "}";
  }

  /** Builds a {@link PerfConfig}; every setter has the default named on the getter. */
  public static final class Builder {
    private long maxDownloadBytes = 1L << 30;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private int blockSize = 64 * 1024;

    private Builder() {}

    /**
     * See {@link PerfConfig#maxDownloadBytes()}; at least 0.
     *
     * @param bytes the largest download a remote may ask for
     * @return this builder
     */
    public Builder maxDownloadBytes(long bytes) {
      this.maxDownloadBytes = bytes;
      return this;
    }

    /**
     * See {@link PerfConfig#idleTimeout()}; zero turns it off.
     *
     * @param timeout how long a perf stream may stall
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * See {@link PerfConfig#blockSize()}; between 1 byte and 16 MiB.
     *
     * @param bytes the write size
     * @return this builder
     */
    public Builder blockSize(int bytes) {
      this.blockSize = bytes;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the configuration
     * @throws IllegalArgumentException if a value is out of range
     */
    public PerfConfig build() {
      if (maxDownloadBytes < 0) {
        throw new IllegalArgumentException("maxDownloadBytes must be >= 0, was " + maxDownloadBytes);
      }
      if (idleTimeout.isNegative()) {
        throw new IllegalArgumentException("idleTimeout must not be negative, was " + idleTimeout);
      }
      if (blockSize < 1 || blockSize > 16 * 1024 * 1024) {
        throw new IllegalArgumentException("blockSize must be between 1 and 16 MiB, was " + blockSize);
      }
      return new PerfConfig(this);
    }
  }
}
