package io.peerlink.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a dial holds back a peer's TCP addresses behind its QUIC addresses, by how far away the
 * address is. A dial ranks QUIC addresses first and starts the first TCP address this long after
 * the last QUIC address of the same scope started (or at once when every attempt under way has
 * failed): QUIC needs one round trip less to a usable connection and punches through more NATs, so
 * a peer that offers both should end up on QUIC, yet a peer whose UDP is blocked still gets TCP
 * after a short wait. A peer with no QUIC address is dialed over TCP at once.
 *
 * <p>Defaults follow go-libp2p's dial ranker ({@code PublicTCPDelay}, {@code PrivateTCPDelay});
 * loopback, which go counts as private, has none here, since on one machine both handshakes take
 * well under a millisecond of network time and a wait would only slow local tests and daemons.
 * Immutable.
 */
public final class TcpDelays {
  private static final TcpDelays DEFAULTS =
      new TcpDelays(Duration.ofMillis(250), Duration.ofMillis(30), Duration.ZERO);
  private static final TcpDelays NONE = new TcpDelays(Duration.ZERO, Duration.ZERO, Duration.ZERO);

  private final Duration publicAddress;
  private final Duration privateAddress;
  private final Duration loopback;

  private TcpDelays(Duration publicAddress, Duration privateAddress, Duration loopback) {
    this.publicAddress = publicAddress;
    this.privateAddress = privateAddress;
    this.loopback = loopback;
  }

  /** {@return the defaults: 250 ms public, 30 ms private, 0 loopback} */
  public static TcpDelays defaults() {
    return DEFAULTS;
  }

  /** {@return no delay: TCP starts right after QUIC, as go's {@code NoDelayDialRanker}} */
  public static TcpDelays none() {
    return NONE;
  }

  /**
   * The given delays.
   *
   * @param publicAddress the delay for public addresses
   * @param privateAddress the delay for private addresses (RFC 1918, link-local, IPv6 unique local)
   * @param loopback the delay for loopback addresses
   * @return the delays
   * @throws IllegalArgumentException if one is negative
   */
  public static TcpDelays of(Duration publicAddress, Duration privateAddress, Duration loopback) {
    notNegative("publicAddress", publicAddress);
    notNegative("privateAddress", privateAddress);
    notNegative("loopback", loopback);
    return new TcpDelays(publicAddress, privateAddress, loopback);
  }

  private static void notNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " TCP delay must not be negative, was " + d);
    }
  }

  /**
   * {@return the delay for public addresses; default 250 ms, go-libp2p's {@code PublicTCPDelay}
   * and RFC 8305's connection attempt delay, about one round trip across the internet}
   */
  public Duration publicAddress() {
    return publicAddress;
  }

  /**
   * {@return the delay for private addresses (RFC 1918, link-local, IPv6 unique local); default
   * 30 ms, go-libp2p's {@code PrivateTCPDelay}, a round trip on a local network with room to spare}
   */
  public Duration privateAddress() {
    return privateAddress;
  }

  /** {@return the delay for loopback addresses; default 0, see the class comment} */
  public Duration loopback() {
    return loopback;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TcpDelays t && publicAddress.equals(t.publicAddress)
        && privateAddress.equals(t.privateAddress) && loopback.equals(t.loopback);
  }

  @Override
  public int hashCode() {
    return Objects.hash(publicAddress, privateAddress, loopback);
  }

  @Override
  public String toString() {
    return "TcpDelays{public=" + publicAddress + ", private=" + privateAddress + ", loopback=" + loopback + '}';
  }
}
