package io.peerlink.relay;

import java.time.Duration;
import java.util.Objects;

/**
 * AutoNAT v1 settings (client and server). Defaults:
 *
 * <table>
 * <caption>Defaults</caption>
 * <tr><td>client, server</td><td>both on</td></tr>
 * <tr><td>confirmations</td><td>4: the spec's "more than 3" agreeing servers decide PUBLIC or PRIVATE</td></tr>
 * <tr><td>refreshInterval</td><td>15 min between checks once reachability is known</td></tr>
 * <tr><td>retryInterval</td><td>1 min between checks while it is UNKNOWN</td></tr>
 * <tr><td>serverQueryInterval</td><td>90 s: one server is asked at most this often (go's servers allow one request per peer a minute)</td></tr>
 * <tr><td>maxQueriesPerCheck</td><td>8 servers asked in one check</td></tr>
 * <tr><td>streamTimeout</td><td>60 s for a whole request/response (go's)</td></tr>
 * <tr><td>dialBackTimeout</td><td>15 s for the server's dial back</td></tr>
 * <tr><td>serverPerPeerLimit</td><td>1 dial back per requesting peer per {@code serverLimitWindow}</td></tr>
 * <tr><td>serverGlobalLimit</td><td>30 dial backs per {@code serverLimitWindow} in all</td></tr>
 * <tr><td>serverLimitWindow</td><td>60 s</td></tr>
 * <tr><td>serverMaxDialBackAddresses</td><td>16 distinct addresses dialed back per request (go's)</td></tr>
 * </table>
 *
 * <p>Immutable.
 */
public final class AutoNatConfig {
  private final boolean client;
  private final boolean server;
  private final int confirmations;
  private final Duration refreshInterval;
  private final Duration retryInterval;
  private final Duration serverQueryInterval;
  private final int maxQueriesPerCheck;
  private final Duration streamTimeout;
  private final Duration dialBackTimeout;
  private final int serverPerPeerLimit;
  private final int serverGlobalLimit;
  private final Duration serverLimitWindow;
  private final int serverMaxDialBackAddresses;

  private AutoNatConfig(Builder b) {
    client = b.client;
    server = b.server;
    confirmations = positive(b.confirmations, "confirmations");
    refreshInterval = positive(b.refreshInterval, "refreshInterval");
    retryInterval = positive(b.retryInterval, "retryInterval");
    serverQueryInterval = Objects.requireNonNull(b.serverQueryInterval, "serverQueryInterval");
    maxQueriesPerCheck = positive(b.maxQueriesPerCheck, "maxQueriesPerCheck");
    streamTimeout = positive(b.streamTimeout, "streamTimeout");
    dialBackTimeout = positive(b.dialBackTimeout, "dialBackTimeout");
    serverPerPeerLimit = positive(b.serverPerPeerLimit, "serverPerPeerLimit");
    serverGlobalLimit = positive(b.serverGlobalLimit, "serverGlobalLimit");
    serverLimitWindow = positive(b.serverLimitWindow, "serverLimitWindow");
    serverMaxDialBackAddresses = positive(b.serverMaxDialBackAddresses, "serverMaxDialBackAddresses");
  }

  private static int positive(int v, String name) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be at least 1: " + v);
    }
    return v;
  }

  private static Duration positive(Duration v, String name) {
    Objects.requireNonNull(v, name);
    if (v.isNegative() || v.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + v);
    }
    return v;
  }

  /** {@return the defaults} */
  public static AutoNatConfig defaults() {
    return builder().build();
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return whether we ask other peers about our reachability} */
  public boolean client() {
    return client;
  }

  /** {@return whether we dial back peers that ask us} */
  public boolean server() {
    return server;
  }

  /** {@return how many agreeing servers decide PUBLIC or PRIVATE} */
  public int confirmations() {
    return confirmations;
  }

  /** {@return time between checks once reachability is known} */
  public Duration refreshInterval() {
    return refreshInterval;
  }

  /** {@return time between checks while reachability is UNKNOWN} */
  public Duration retryInterval() {
    return retryInterval;
  }

  /** {@return a server is asked at most this often (unless our addresses changed)} */
  public Duration serverQueryInterval() {
    return serverQueryInterval;
  }

  /** {@return the most servers asked in one check} */
  public int maxQueriesPerCheck() {
    return maxQueriesPerCheck;
  }

  /** {@return the bound on one request/response stream, both sides} */
  public Duration streamTimeout() {
    return streamTimeout;
  }

  /** {@return the bound on the server's dial back} */
  public Duration dialBackTimeout() {
    return dialBackTimeout;
  }

  /**
   * Dial backs per requesting peer per {@link #serverLimitWindow()}.
   *
   * @return the dial backs per peer per window
   */
  public int serverPerPeerLimit() {
    return serverPerPeerLimit;
  }

  /**
   * Dial backs in all per {@link #serverLimitWindow()}.
   *
   * @return the dial backs in all per window
   */
  public int serverGlobalLimit() {
    return serverGlobalLimit;
  }

  /**
   * The period of the server's rate limits. Each limit is a token bucket: up to the limit at once,
   * then refilled at the limit per window (one dial back every {@code window / limit}).
   *
   * @return the window of the server's rate limits
   */
  public Duration serverLimitWindow() {
    return serverLimitWindow;
  }

  /**
   * The most distinct addresses (by IP and port) the server dials back for one request; the
   * request's later ones and its repeats are not dialed. Default 16, as go.
   *
   * @return the most addresses dialed back per request
   */
  public int serverMaxDialBackAddresses() {
    return serverMaxDialBackAddresses;
  }

  /** {@return a builder with these settings} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.client = client;
    b.server = server;
    b.confirmations = confirmations;
    b.refreshInterval = refreshInterval;
    b.retryInterval = retryInterval;
    b.serverQueryInterval = serverQueryInterval;
    b.maxQueriesPerCheck = maxQueriesPerCheck;
    b.streamTimeout = streamTimeout;
    b.dialBackTimeout = dialBackTimeout;
    b.serverPerPeerLimit = serverPerPeerLimit;
    b.serverGlobalLimit = serverGlobalLimit;
    b.serverLimitWindow = serverLimitWindow;
    b.serverMaxDialBackAddresses = serverMaxDialBackAddresses;
    return b;
  }

  /** Builds an {@link AutoNatConfig}. */
  public static final class Builder {
    private boolean client = true;
    private boolean server = true;
    private int confirmations = 4;
    private Duration refreshInterval = Duration.ofMinutes(15);
    private Duration retryInterval = Duration.ofMinutes(1);
    private Duration serverQueryInterval = Duration.ofSeconds(90);
    private int maxQueriesPerCheck = 8;
    private Duration streamTimeout = Duration.ofSeconds(60);
    private Duration dialBackTimeout = Duration.ofSeconds(15);
    private int serverPerPeerLimit = 1;
    private int serverGlobalLimit = 30;
    private Duration serverLimitWindow = Duration.ofSeconds(60);
    private int serverMaxDialBackAddresses = 16;

    private Builder() {}

    /**
     * See {@link AutoNatConfig#client()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder client(boolean v) {
      client = v;
      return this;
    }

    /**
     * See {@link AutoNatConfig#server()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder server(boolean v) {
      server = v;
      return this;
    }

    /**
     * See {@link AutoNatConfig#confirmations()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder confirmations(int v) {
      confirmations = v;
      return this;
    }

    /**
     * See {@link AutoNatConfig#refreshInterval()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder refreshInterval(Duration v) {
      refreshInterval = v;
      return this;
    }

    /**
     * See {@link AutoNatConfig#retryInterval()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder retryInterval(Duration v) {
      retryInterval = v;
      return this;
    }

    /**
     * See {@link AutoNatConfig#serverQueryInterval()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder serverQueryInterval(Duration v) {
      serverQueryInterval = v;
      return this;
    }

    /**
     * See {@link AutoNatConfig#maxQueriesPerCheck()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxQueriesPerCheck(int v) {
      maxQueriesPerCheck = v;
      return this;
    }

    /**
     * See {@link AutoNatConfig#streamTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder streamTimeout(Duration v) {
      streamTimeout = v;
      return this;
    }

    /**
     * See {@link AutoNatConfig#dialBackTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder dialBackTimeout(Duration v) {
      dialBackTimeout = v;
      return this;
    }

    /**
     * See {@link AutoNatConfig#serverPerPeerLimit()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder serverPerPeerLimit(int v) {
      serverPerPeerLimit = v;
      return this;
    }

    /**
     * See {@link AutoNatConfig#serverGlobalLimit()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder serverGlobalLimit(int v) {
      serverGlobalLimit = v;
      return this;
    }

    /**
     * See {@link AutoNatConfig#serverLimitWindow()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder serverLimitWindow(Duration v) {
      serverLimitWindow = v;
      return this;
    }

    /**
     * See {@link AutoNatConfig#serverMaxDialBackAddresses()}.
     *
     * @param v the new value, at least 1
     * @return this builder
     */
    public Builder serverMaxDialBackAddresses(int v) {
      serverMaxDialBackAddresses = v;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the new {@code AutoNatConfig}
     */
    public AutoNatConfig build() {
      return new AutoNatConfig(this);
    }
  }
}
