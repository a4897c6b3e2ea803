package io.peerlink.relay;

import java.time.Duration;
import java.util.Objects;

/**
 * Hole punching (DCUtR) settings. Immutable; build with {@link #builder()}, which validates in
 * {@link Builder#build()}; every getter names its default.
 */
public final class HolePunchConfig {
  private static final HolePunchConfig DEFAULTS = builder().build();

  private final int attempts;
  private final Duration messageTimeout;
  private final Duration dialTimeout;
  private final Duration reversalTimeout;
  private final boolean legacyRolesOnLastAttempt;
  private final boolean initiateOnInbound;
  private final boolean overTcp;
  private final boolean overQuic;

  private HolePunchConfig(Builder b) {
    this.attempts = b.attempts;
    this.messageTimeout = b.messageTimeout;
    this.dialTimeout = b.dialTimeout;
    this.reversalTimeout = b.reversalTimeout;
    this.legacyRolesOnLastAttempt = b.legacyRolesOnLastAttempt;
    this.initiateOnInbound = b.initiateOnInbound;
    this.overTcp = b.overTcp;
    this.overQuic = b.overQuic;
  }

  /** {@return the defaults} */
  public static HolePunchConfig defaults() {
    return DEFAULTS;
  }

  /** {@return a builder holding the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding this configuration's values} */
  public Builder toBuilder() {
    return new Builder().attempts(attempts).messageTimeout(messageTimeout).dialTimeout(dialTimeout)
        .reversalTimeout(reversalTimeout).legacyRolesOnLastAttempt(legacyRolesOnLastAttempt)
        .initiateOnInbound(initiateOnInbound).overTcp(overTcp).overQuic(overQuic);
  }

  /** {@return CONNECT/SYNC rounds the initiator makes before giving up; default 3 (the spec's)} */
  public int attempts() {
    return attempts;
  }

  /** {@return how long either side waits for the next DCUtR message; default 10 s} */
  public Duration messageTimeout() {
    return messageTimeout;
  }

  /**
   * {@return how long one punch dial (TCP simultaneous open, or the QUIC punch: A's dial, and B's
   * datagrams while it waits for A's connection) may take; default 5 s}
   */
  public Duration dialTimeout() {
    return dialTimeout;
  }

  /**
   * {@return how long the initiator's direct dial to the other side's public addresses (a
   * connection reversal) may take before it punches; zero skips it; default 3 s}
   */
  public Duration reversalTimeout() {
    return reversalTimeout;
  }

  /**
   * Compatibility with go-libp2p before v0.41: on the last round the initiator plays the client
   * and the responder the server, the roles those versions used on every round (current go flips
   * the same way on its last attempt). The responder counts the rounds on each relayed connection,
   * so two peerlink peers stay consistent either way. Default off (the spec's roles on every
   * round).
   *
   * @return whether the last round uses the legacy roles
   */
  public boolean legacyRolesOnLastAttempt() {
    return legacyRolesOnLastAttempt;
  }

  /**
   * {@return whether a relayed connection a peer dials to us starts a punch on its own, as go and
   * js do; default true. Off, punches start only through {@code Manager.holePunch}}
   */
  public boolean initiateOnInbound() {
    return initiateOnInbound;
  }

  /**
   * Whether punches use TCP (simultaneous open from our TCP listen port); default true. Off, our
   * CONNECT names no TCP address and we neither dial nor expect TCP.
   *
   * @return whether punches use TCP
   */
  public boolean overTcp() {
    return overTcp;
  }

  /**
   * Whether punches use QUIC when both sides listen on it (the responder dials QUIC from its listen
   * port, the initiator sends UDP packets from its own to open its NAT); default true. With both
   * transports on, a round punches over both at once and the first connection wins; a connection
   * of the other transport that arrives later is kept beside it. Off, our CONNECT names no QUIC
   * address.
   *
   * @return whether punches use QUIC
   */
  public boolean overQuic() {
    return overQuic;
  }

  @Override
  public String toString() {
    return "HolePunchConfig{attempts=" + attempts + ", messageTimeout=" + messageTimeout + ", dialTimeout="
        + dialTimeout + ", reversalTimeout=" + reversalTimeout + ", legacyRolesOnLastAttempt="
        + legacyRolesOnLastAttempt + ", initiateOnInbound=" + initiateOnInbound + ", overTcp=" + overTcp
        + ", overQuic=" + overQuic + '}';
  }

  /** Builds a {@link HolePunchConfig}; each setter's default is on the matching getter. */
  public static final class Builder {
    private int attempts = 3;
    private Duration messageTimeout = Duration.ofSeconds(10);
    private Duration dialTimeout = Duration.ofSeconds(5);
    private Duration reversalTimeout = Duration.ofSeconds(3);
    private boolean legacyRolesOnLastAttempt;
    private boolean initiateOnInbound = true;
    private boolean overTcp = true;
    private boolean overQuic = true;

    private Builder() {}

    /**
     * See {@link HolePunchConfig#attempts()}.
     *
     * @param v at least 1
     * @return this builder
     */
    public Builder attempts(int v) {
      attempts = v;
      return this;
    }

    /**
     * See {@link HolePunchConfig#messageTimeout()}.
     *
     * @param v positive
     * @return this builder
     */
    public Builder messageTimeout(Duration v) {
      messageTimeout = Objects.requireNonNull(v, "messageTimeout");
      return this;
    }

    /**
     * See {@link HolePunchConfig#dialTimeout()}.
     *
     * @param v positive
     * @return this builder
     */
    public Builder dialTimeout(Duration v) {
      dialTimeout = Objects.requireNonNull(v, "dialTimeout");
      return this;
    }

    /**
     * See {@link HolePunchConfig#reversalTimeout()}.
     *
     * @param v zero or positive
     * @return this builder
     */
    public Builder reversalTimeout(Duration v) {
      reversalTimeout = Objects.requireNonNull(v, "reversalTimeout");
      return this;
    }

    /**
     * See {@link HolePunchConfig#legacyRolesOnLastAttempt()}.
     *
     * @param v whether the last round uses the legacy roles
     * @return this builder
     */
    public Builder legacyRolesOnLastAttempt(boolean v) {
      legacyRolesOnLastAttempt = v;
      return this;
    }

    /**
     * See {@link HolePunchConfig#initiateOnInbound()}.
     *
     * @param v whether inbound relayed connections start a punch
     * @return this builder
     */
    public Builder initiateOnInbound(boolean v) {
      initiateOnInbound = v;
      return this;
    }

    /**
     * See {@link HolePunchConfig#overTcp()}.
     *
     * @param v whether punches use TCP
     * @return this builder
     */
    public Builder overTcp(boolean v) {
      overTcp = v;
      return this;
    }

    /**
     * See {@link HolePunchConfig#overQuic()}.
     *
     * @param v whether punches use QUIC
     * @return this builder
     */
    public Builder overQuic(boolean v) {
      overQuic = v;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the configuration
     * @throws IllegalArgumentException if a value is out of range
     */
    public HolePunchConfig build() {
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
      }
      if (messageTimeout.isNegative() || messageTimeout.isZero() || dialTimeout.isNegative() || dialTimeout.isZero()
          || reversalTimeout.isNegative()) {
        throw new IllegalArgumentException("messageTimeout and dialTimeout must be positive, reversalTimeout >= 0");
      }
      if (!overTcp && !overQuic) {
        throw new IllegalArgumentException("hole punching needs TCP or QUIC (overTcp or overQuic)");
      }
      return new HolePunchConfig(this);
    }
  }
}
