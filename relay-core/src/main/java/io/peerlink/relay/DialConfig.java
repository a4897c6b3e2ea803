package io.peerlink.relay;

import io.peerlink.core.TcpDelays;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Manager#dialWithPriority} reaches a peer and how the manager keeps it reached.
 * Immutable; build with {@link #builder()}, which validates in {@link Builder#build()}; every
 * getter names its default and why.
 *
 * <p>The dial is happy eyeballs over every path: the direct addresses are raced with
 * {@link #addressStagger()} between starts (QUIC first, TCP {@link #tcpDelays()} after it), each
 * TCP connect bounded by {@link #directConnectTimeout()}; the relay stage starts {@link #relayDelay()} after the direct
 * stage (at once when there is no direct address), its relays raced with {@link #relayStagger()};
 * the first usable connection is returned and a hole punch goes on in the background.
 */
public final class DialConfig {
  private static final DialConfig DEFAULTS = builder().build();

  private final Duration relayDelay;
  private final Duration addressStagger;
  private final TcpDelays tcpDelays;
  private final Duration directConnectTimeout;
  private final Duration relayStagger;
  private final Duration reconnectInitialBackoff;
  private final Duration reconnectMaxBackoff;
  private final int reconnectAttempts;
  private final Duration relayProbeInterval;
  private final Duration relayProbeTimeout;
  private final int rememberedPeers;

  private DialConfig(Builder b) {
    this.relayDelay = b.relayDelay;
    this.addressStagger = b.addressStagger;
    this.tcpDelays = b.tcpDelays;
    this.directConnectTimeout = b.directConnectTimeout;
    this.relayStagger = b.relayStagger;
    this.reconnectInitialBackoff = b.reconnectInitialBackoff;
    this.reconnectMaxBackoff = b.reconnectMaxBackoff;
    this.reconnectAttempts = b.reconnectAttempts;
    this.relayProbeInterval = b.relayProbeInterval;
    this.relayProbeTimeout = b.relayProbeTimeout;
    this.rememberedPeers = b.rememberedPeers;
  }

  /** {@return the defaults} */
  public static DialConfig defaults() {
    return DEFAULTS;
  }

  /** {@return a builder holding the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding this configuration's values} */
  public Builder toBuilder() {
    return new Builder().relayDelay(relayDelay).addressStagger(addressStagger).tcpDelays(tcpDelays)
        .directConnectTimeout(directConnectTimeout).relayStagger(relayStagger)
        .reconnectBackoff(reconnectInitialBackoff, reconnectMaxBackoff).reconnectAttempts(reconnectAttempts)
        .relayProbe(relayProbeInterval, relayProbeTimeout).rememberedPeers(rememberedPeers);
  }

  /**
   * {@return how long after the direct stage starts the relay stage starts beside it, when the
   * peer has direct addresses (with none it starts at once); default 500 ms, go-libp2p's relay
   * delay: a direct address that answers at all answers well within it, and a dead one costs no
   * more than that}
   */
  public Duration relayDelay() {
    return relayDelay;
  }

  /**
   * {@return how long one direct address has to connect before the next starts beside it;
   * default 250 ms, go-libp2p's delay between public addresses}
   */
  public Duration addressStagger() {
    return addressStagger;
  }

  /**
   * {@return how long a peer's direct TCP addresses wait behind its QUIC addresses: QUIC is dialed
   * first and TCP this long after the last QUIC address (at once if every attempt under way
   * failed); default {@link TcpDelays#defaults()}, go-libp2p's 250 ms public and 30 ms private
   * (0 on loopback)}
   */
  public TcpDelays tcpDelays() {
    return tcpDelays;
  }

  /**
   * {@return how long one direct TCP connect may take in a dial that also has a relay; default
   * 5 s, go-libp2p's local dial timeout; the relay stage does not wait for it}
   */
  public Duration directConnectTimeout() {
    return directConnectTimeout;
  }

  /**
   * {@return how long one relay has to bring the circuit up before the next known relay is tried
   * beside it; default 250 ms}
   */
  public Duration relayStagger() {
    return relayStagger;
  }

  /**
   * {@return the first wait before a reconnection attempt (a new direct dial or punch after the
   * direct connection died, a redial through another relay after the relayed one died); doubled
   * per failed attempt up to {@link #reconnectMaxBackoff()}; default 1 s}
   */
  public Duration reconnectInitialBackoff() {
    return reconnectInitialBackoff;
  }

  /** {@return the longest wait between reconnection attempts; default 30 s} */
  public Duration reconnectMaxBackoff() {
    return reconnectMaxBackoff;
  }

  /**
   * {@return how many reconnection attempts are made for one lost connection before the manager
   * gives up on it (the peer is dialed again only when the application asks); 0 turns reconnection
   * off; default 6, about a minute of backoff}
   */
  public int reconnectAttempts() {
    return reconnectAttempts;
  }

  /**
   * {@return how often each connection to a relay that carries our circuits or reservations is
   * pinged; zero turns the probe off; default 15 s, so a relay that died silently is noticed in
   * about {@code interval + timeout} instead of the 40 s keep-alive}
   */
  public Duration relayProbeInterval() {
    return relayProbeInterval;
  }

  /** {@return how long a relay probe waits for the pong before the relay counts as dead; default 5 s} */
  public Duration relayProbeTimeout() {
    return relayProbeTimeout;
  }

  /**
   * {@return how many dialed peers the manager keeps reaching (reconnects when a path dies), each
   * with the addresses given to its dial, the least recently dialed forgotten first; default 1000,
   * a few hundred KiB at most. The circuit addresses peers announce are held by the host's address
   * book, bounded by its own configuration}
   */
  public int rememberedPeers() {
    return rememberedPeers;
  }

  @Override
  public String toString() {
    return "DialConfig{relayDelay=" + relayDelay + ", addressStagger=" + addressStagger
        + ", tcpDelays=" + tcpDelays
        + ", directConnectTimeout=" + directConnectTimeout + ", relayStagger=" + relayStagger
        + ", reconnectBackoff=" + reconnectInitialBackoff + ".." + reconnectMaxBackoff
        + ", reconnectAttempts=" + reconnectAttempts + ", relayProbe=" + relayProbeInterval
        + "/" + relayProbeTimeout + '}';
  }

  /** Builds a {@link DialConfig}; starts from the defaults. */
  public static final class Builder {
    private Duration relayDelay = Duration.ofMillis(500);
    private Duration addressStagger = Duration.ofMillis(250);
    private TcpDelays tcpDelays = TcpDelays.defaults();
    private Duration directConnectTimeout = Duration.ofSeconds(5);
    private Duration relayStagger = Duration.ofMillis(250);
    private Duration reconnectInitialBackoff = Duration.ofSeconds(1);
    private Duration reconnectMaxBackoff = Duration.ofSeconds(30);
    private int reconnectAttempts = 6;
    private Duration relayProbeInterval = Duration.ofSeconds(15);
    private Duration relayProbeTimeout = Duration.ofSeconds(5);
    private int rememberedPeers = 1000;

    private Builder() {}

    /**
     * See {@link DialConfig#rememberedPeers()}.
     *
     * @param v at least 1
     * @return this builder
     */
    public Builder rememberedPeers(int v) {
      rememberedPeers = v;
      return this;
    }

    /**
     * See {@link DialConfig#relayDelay()}.
     *
     * @param v zero or more
     * @return this builder
     */
    public Builder relayDelay(Duration v) {
      relayDelay = Objects.requireNonNull(v, "relayDelay");
      return this;
    }

    /**
     * See {@link DialConfig#addressStagger()}.
     *
     * @param v zero or more
     * @return this builder
     */
    public Builder addressStagger(Duration v) {
      addressStagger = Objects.requireNonNull(v, "addressStagger");
      return this;
    }

    /**
     * See {@link DialConfig#tcpDelays()}.
     *
     * @param v the delays
     * @return this builder
     */
    public Builder tcpDelays(TcpDelays v) {
      tcpDelays = Objects.requireNonNull(v, "tcpDelays");
      return this;
    }

    /**
     * See {@link DialConfig#directConnectTimeout()}.
     *
     * @param v positive
     * @return this builder
     */
    public Builder directConnectTimeout(Duration v) {
      directConnectTimeout = Objects.requireNonNull(v, "directConnectTimeout");
      return this;
    }

    /**
     * See {@link DialConfig#relayStagger()}.
     *
     * @param v zero or more
     * @return this builder
     */
    public Builder relayStagger(Duration v) {
      relayStagger = Objects.requireNonNull(v, "relayStagger");
      return this;
    }

    /**
     * See {@link DialConfig#reconnectInitialBackoff()} and {@link DialConfig#reconnectMaxBackoff()}.
     *
     * @param initial positive
     * @param max at least {@code initial}
     * @return this builder
     */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      reconnectInitialBackoff = Objects.requireNonNull(initial, "initial");
      reconnectMaxBackoff = Objects.requireNonNull(max, "max");
      return this;
    }

    /**
     * See {@link DialConfig#reconnectAttempts()}.
     *
     * @param v zero (off) or more
     * @return this builder
     */
    public Builder reconnectAttempts(int v) {
      reconnectAttempts = v;
      return this;
    }

    /**
     * See {@link DialConfig#relayProbeInterval()} and {@link DialConfig#relayProbeTimeout()}.
     *
     * @param interval zero (off) or positive
     * @param timeout positive
     * @return this builder
     */
    public Builder relayProbe(Duration interval, Duration timeout) {
      relayProbeInterval = Objects.requireNonNull(interval, "interval");
      relayProbeTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Checks the values.
     *
     * @return the configuration
     * @throws IllegalArgumentException if a value is out of range
     */
    public DialConfig build() {
      notNegative("relayDelay", relayDelay);
      notNegative("addressStagger", addressStagger);
      positive("directConnectTimeout", directConnectTimeout);
      notNegative("relayStagger", relayStagger);
      positive("reconnectInitialBackoff", reconnectInitialBackoff);
      if (reconnectMaxBackoff.compareTo(reconnectInitialBackoff) < 0) {
        throw new IllegalArgumentException("reconnectMaxBackoff must be >= reconnectInitialBackoff, was "
            + reconnectMaxBackoff + " < " + reconnectInitialBackoff);
      }
      if (reconnectAttempts < 0) {
        throw new IllegalArgumentException("reconnectAttempts must be >= 0, was " + reconnectAttempts);
      }
      notNegative("relayProbeInterval", relayProbeInterval);
      positive("relayProbeTimeout", relayProbeTimeout);
      if (rememberedPeers < 1) {
        throw new IllegalArgumentException("rememberedPeers must be >= 1, was " + rememberedPeers);
      }
      return new DialConfig(this);
    }

    private static void notNegative(String name, Duration v) {
      if (v.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, was " + v);
      }
    }

    private static void positive(String name, Duration v) {
      if (v.isNegative() || v.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + v);
      }
    }
  }
}
