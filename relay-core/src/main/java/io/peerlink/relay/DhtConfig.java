package io.peerlink.relay;

import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Kademlia DHT settings ({@code /ipfs/kad/1.0.0}): where to start, client or server, the lookup
 * parameters, and every limit on what remote peers can make us hold or do. Defaults:
 *
 * <table>
 * <caption>Defaults</caption>
 * <tr><td>bootstrap</td><td>none: the DHT starts from the peers it meets</td></tr>
 * <tr><td>mode</td><td>AUTO: client or server: AUTO follows AutoNAT (server while PUBLIC), as go's ModeAuto</td></tr>
 * <tr><td>k</td><td>20: the bucket size and how many closest peers a lookup returns and a reply names (the spec's k)</td></tr>
 * <tr><td>alpha</td><td>10: queries a lookup keeps in flight (the spec's and go's α)</td></tr>
 * <tr><td>beta</td><td>3: how many of the closest peers must have answered before a lookup ends (go's resiliency β)</td></tr>
 * <tr><td>requestTimeout</td><td>Duration.ofSeconds(10): how long a request waits for its reply, dialing included (go and js wait 10 s)</td></tr>
 * <tr><td>streamIdleTimeout</td><td>Duration.ofMinutes(1): how long an inbound stream may sit between requests before it is closed (go's 1 min)</td></tr>
 * <tr><td>checkTimeout</td><td>Duration.ofSeconds(10): how long a new peer has to answer the FIND_NODE check before it enters the routing table (go's 10 s)</td></tr>
 * <tr><td>maxMessageBytes</td><td>4 MiB: the largest message read, checked before it is buffered: 4 MiB, go's network.MessageSizeMax</td></tr>
 * <tr><td>maxInboundStreamsPerPeer</td><td>16: DHT streams one remote peer may hold open to us at once; more are reset. go and js open one stream per request and close it, so 16 leaves room for a lookup's bursts</td></tr>
 * <tr><td>requestsPerSecondPerPeer</td><td>100: requests one remote peer may send per second (a token bucket of this size, refilled at this rate); over it the stream is reset. A lookup asks each peer once, but a refresh runs a lookup per bucket back to back, so an honest peer may send tens at once</td></tr>
 * <tr><td>maxRecords</td><td>10000: records held for other peers in all (each at most maxRecordBytes)</td></tr>
 * <tr><td>maxRecordBytes</td><td>16 KiB: bytes of one record's value; larger PUT_VALUEs are refused. 16 KiB holds any public key and IPNS's 10 KiB records</td></tr>
 * <tr><td>maxRecordsPerPeer</td><td>100: records one remote peer may have stored with us, so one peer cannot fill the store</td></tr>
 * <tr><td>maxProviders</td><td>100000: provider entries (one key, one provider) held in all; about 150 bytes each</td></tr>
 * <tr><td>maxProvidersPerPeer</td><td>1000: keys one remote peer may be a provider of in our store</td></tr>
 * <tr><td>recordTtl</td><td>Duration.ofHours(36): how long a stored record is served after it was received (go's MaxRecordAge)</td></tr>
 * <tr><td>providerTtl</td><td>Duration.ofHours(48): how long a provider entry lives (the spec, go and js: 48 h)</td></tr>
 * <tr><td>republishInterval</td><td>Duration.ofHours(22): how often our own provider entries are published again (the spec and go: 22 h)</td></tr>
 * <tr><td>refreshInterval</td><td>Duration.ofMinutes(10): how often stale routing-table buckets are refreshed with a lookup (the spec and go: 10 min)</td></tr>
 * <tr><td>validators</td><td>{@code /pk/} only</td></tr>
 * </table>
 *
 * <p>Immutable; build with {@link #builder()}.
 */
public final class DhtConfig {

  /** Whether this peer answers DHT requests. */
  public enum Mode {
    /** Client while AutoNAT does not say PUBLIC, server while it does (go's {@code ModeAuto}). */
    AUTO,
    /** Queries only: does not serve the protocol nor enter other peers' routing tables. */
    CLIENT,
    /** Serves the protocol and announces it through identify. */
    SERVER
  }

  private final List<Multiaddr> bootstrap;
  private final Map<String, RecordValidator> validators;
  private final Mode mode;
  private final int k;
  private final int alpha;
  private final int beta;
  private final Duration requestTimeout;
  private final Duration streamIdleTimeout;
  private final Duration checkTimeout;
  private final int maxMessageBytes;
  private final int maxInboundStreamsPerPeer;
  private final int requestsPerSecondPerPeer;
  private final int maxRecords;
  private final int maxRecordBytes;
  private final int maxRecordsPerPeer;
  private final int maxProviders;
  private final int maxProvidersPerPeer;
  private final Duration recordTtl;
  private final Duration providerTtl;
  private final Duration republishInterval;
  private final Duration refreshInterval;

  private DhtConfig(Builder b) {
    bootstrap = List.copyOf(b.bootstrap);
    for (Multiaddr a : bootstrap) {
      if (a.peerId().isEmpty()) {
        throw new IllegalArgumentException("a bootstrap address ends in /p2p/<peer id>: " + a);
      }
    }
    validators = Map.copyOf(b.validators);
    mode = Objects.requireNonNull(b.mode, "mode");
    k = positive(b.k, "k");
    alpha = positive(b.alpha, "alpha");
    beta = positive(b.beta, "beta");
    requestTimeout = positive(b.requestTimeout, "requestTimeout");
    streamIdleTimeout = positive(b.streamIdleTimeout, "streamIdleTimeout");
    checkTimeout = positive(b.checkTimeout, "checkTimeout");
    maxMessageBytes = positive(b.maxMessageBytes, "maxMessageBytes");
    maxInboundStreamsPerPeer = positive(b.maxInboundStreamsPerPeer, "maxInboundStreamsPerPeer");
    requestsPerSecondPerPeer = positive(b.requestsPerSecondPerPeer, "requestsPerSecondPerPeer");
    maxRecords = positive(b.maxRecords, "maxRecords");
    maxRecordBytes = positive(b.maxRecordBytes, "maxRecordBytes");
    maxRecordsPerPeer = positive(b.maxRecordsPerPeer, "maxRecordsPerPeer");
    maxProviders = positive(b.maxProviders, "maxProviders");
    maxProvidersPerPeer = positive(b.maxProvidersPerPeer, "maxProvidersPerPeer");
    recordTtl = positive(b.recordTtl, "recordTtl");
    providerTtl = positive(b.providerTtl, "providerTtl");
    republishInterval = positive(b.republishInterval, "republishInterval");
    refreshInterval = positive(b.refreshInterval, "refreshInterval");
    if (beta > k) {
      throw new IllegalArgumentException("beta must not exceed k: " + beta + " > " + k);
    }
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
  public static DhtConfig defaults() {
    return builder().build();
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return peers to join the DHT through, each ending in {@code /p2p/<id>}} */
  public List<Multiaddr> bootstrap() {
    return bootstrap;
  }

  /** {@return validators by namespace, besides the built-in {@code /pk/}} */
  public Map<String, RecordValidator> validators() {
    return validators;
  }

  /** {@return client or server: AUTO follows AutoNAT (server while PUBLIC), as go's ModeAuto} */
  public Mode mode() {
    return mode;
  }

  /** {@return the bucket size and how many closest peers a lookup returns and a reply names (the spec's k)} */
  public int k() {
    return k;
  }

  /** {@return queries a lookup keeps in flight (the spec's and go's α)} */
  public int alpha() {
    return alpha;
  }

  /** {@return how many of the closest peers must have answered before a lookup ends (go's resiliency β)} */
  public int beta() {
    return beta;
  }

  /** {@return how long a request waits for its reply, dialing included (go and js wait 10 s)} */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** {@return how long an inbound stream may sit between requests before it is closed (go's 1 min)} */
  public Duration streamIdleTimeout() {
    return streamIdleTimeout;
  }

  /** {@return how long a new peer has to answer the FIND_NODE check before it enters the routing table (go's 10 s)} */
  public Duration checkTimeout() {
    return checkTimeout;
  }

  /** {@return the largest message read, checked before it is buffered: 4 MiB, go's network.MessageSizeMax} */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** {@return DHT streams one remote peer may hold open to us at once; more are reset. go and js open one stream per request and close it, so 16 leaves room for a lookup's bursts} */
  public int maxInboundStreamsPerPeer() {
    return maxInboundStreamsPerPeer;
  }

  /** {@return requests one remote peer may send per second (a token bucket of this size, refilled at this rate); over it the stream is reset. A lookup asks each peer once, but a refresh runs a lookup per bucket back to back, so an honest peer may send tens at once} */
  public int requestsPerSecondPerPeer() {
    return requestsPerSecondPerPeer;
  }

  /** {@return records held for other peers in all (each at most maxRecordBytes)} */
  public int maxRecords() {
    return maxRecords;
  }

  /** {@return bytes of one record's value; larger PUT_VALUEs are refused. 16 KiB holds any public key and IPNS's 10 KiB records} */
  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  /** {@return records one remote peer may have stored with us, so one peer cannot fill the store} */
  public int maxRecordsPerPeer() {
    return maxRecordsPerPeer;
  }

  /** {@return provider entries (one key, one provider) held in all; about 150 bytes each} */
  public int maxProviders() {
    return maxProviders;
  }

  /** {@return keys one remote peer may be a provider of in our store} */
  public int maxProvidersPerPeer() {
    return maxProvidersPerPeer;
  }

  /** {@return how long a stored record is served after it was received (go's MaxRecordAge)} */
  public Duration recordTtl() {
    return recordTtl;
  }

  /** {@return how long a provider entry lives (the spec, go and js: 48 h)} */
  public Duration providerTtl() {
    return providerTtl;
  }

  /** {@return how often our own provider entries are published again (the spec and go: 22 h)} */
  public Duration republishInterval() {
    return republishInterval;
  }

  /** {@return how often stale routing-table buckets are refreshed with a lookup (the spec and go: 10 min)} */
  public Duration refreshInterval() {
    return refreshInterval;
  }

  /** Builds a {@link DhtConfig}; every value is checked in {@link #build()}. */
  public static final class Builder {
    private final List<Multiaddr> bootstrap = new ArrayList<>();
    private final Map<String, RecordValidator> validators = new LinkedHashMap<>();
    private Mode mode = Mode.AUTO;
    private int k = 20;
    private int alpha = 10;
    private int beta = 3;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration streamIdleTimeout = Duration.ofMinutes(1);
    private Duration checkTimeout = Duration.ofSeconds(10);
    private int maxMessageBytes = 4 << 20;
    private int maxInboundStreamsPerPeer = 16;
    private int requestsPerSecondPerPeer = 100;
    private int maxRecords = 10_000;
    private int maxRecordBytes = 16 << 10;
    private int maxRecordsPerPeer = 100;
    private int maxProviders = 100_000;
    private int maxProvidersPerPeer = 1_000;
    private Duration recordTtl = Duration.ofHours(36);
    private Duration providerTtl = Duration.ofHours(48);
    private Duration republishInterval = Duration.ofHours(22);
    private Duration refreshInterval = Duration.ofMinutes(10);

    private Builder() {}

    /**
     * A peer to join the DHT through; repeatable.
     *
     * @param v its address, ending in {@code /p2p/<id>}
     * @return this builder
     */
    public Builder bootstrap(Multiaddr v) {
      bootstrap.add(Objects.requireNonNull(v, "bootstrap"));
      return this;
    }

    /**
     * Peers to join the DHT through.
     *
     * @param v their addresses, each ending in {@code /p2p/<id>}
     * @return this builder
     */
    public Builder bootstrap(List<Multiaddr> v) {
      v.forEach(this::bootstrap);
      return this;
    }

    /**
     * Validates records of the namespace {@code ns} (keys {@code /ns/...}); repeatable.
     *
     * @param ns the namespace, without slashes
     * @param v its validator
     * @return this builder
     */
    public Builder validator(String ns, RecordValidator v) {
      validators.put(Objects.requireNonNull(ns, "ns"), Objects.requireNonNull(v, "validator"));
      return this;
    }

    /**
     * Sets client or server: AUTO follows AutoNAT (server while PUBLIC), as go's ModeAuto; default AUTO.
     *
     * @param v the value
     * @return this builder
     */
    public Builder mode(Mode v) {
      mode = v;
      return this;
    }

    /**
     * Sets the bucket size and how many closest peers a lookup returns and a reply names (the spec's k); default 20.
     *
     * @param v the value
     * @return this builder
     */
    public Builder k(int v) {
      k = v;
      return this;
    }

    /**
     * Sets queries a lookup keeps in flight (the spec's and go's α); default 10.
     *
     * @param v the value
     * @return this builder
     */
    public Builder alpha(int v) {
      alpha = v;
      return this;
    }

    /**
     * Sets how many of the closest peers must have answered before a lookup ends (go's resiliency β); default 3.
     *
     * @param v the value
     * @return this builder
     */
    public Builder beta(int v) {
      beta = v;
      return this;
    }

    /**
     * Sets how long a request waits for its reply, dialing included (go and js wait 10 s); default Duration.ofSeconds(10).
     *
     * @param v the value
     * @return this builder
     */
    public Builder requestTimeout(Duration v) {
      requestTimeout = v;
      return this;
    }

    /**
     * Sets how long an inbound stream may sit between requests before it is closed (go's 1 min); default Duration.ofMinutes(1).
     *
     * @param v the value
     * @return this builder
     */
    public Builder streamIdleTimeout(Duration v) {
      streamIdleTimeout = v;
      return this;
    }

    /**
     * Sets how long a new peer has to answer the FIND_NODE check before it enters the routing table (go's 10 s); default Duration.ofSeconds(10).
     *
     * @param v the value
     * @return this builder
     */
    public Builder checkTimeout(Duration v) {
      checkTimeout = v;
      return this;
    }

    /**
     * Sets the largest message read, checked before it is buffered: 4 MiB, go's network.MessageSizeMax; default 4 MiB.
     *
     * @param v the value
     * @return this builder
     */
    public Builder maxMessageBytes(int v) {
      maxMessageBytes = v;
      return this;
    }

    /**
     * Sets DHT streams one remote peer may hold open to us at once; more are reset. go and js open one stream per request and close it, so 16 leaves room for a lookup's bursts; default 16.
     *
     * @param v the value
     * @return this builder
     */
    public Builder maxInboundStreamsPerPeer(int v) {
      maxInboundStreamsPerPeer = v;
      return this;
    }

    /**
     * Sets requests one remote peer may send per second (a token bucket of this size, refilled at this rate); over it the stream is reset. A lookup asks each peer once, but a refresh runs a lookup per bucket back to back, so an honest peer may send tens at once; default 100.
     *
     * @param v the value
     * @return this builder
     */
    public Builder requestsPerSecondPerPeer(int v) {
      requestsPerSecondPerPeer = v;
      return this;
    }

    /**
     * Sets records held for other peers in all (each at most maxRecordBytes); default 10000.
     *
     * @param v the value
     * @return this builder
     */
    public Builder maxRecords(int v) {
      maxRecords = v;
      return this;
    }

    /**
     * Sets bytes of one record's value; larger PUT_VALUEs are refused. 16 KiB holds any public key and IPNS's 10 KiB records; default 16 KiB.
     *
     * @param v the value
     * @return this builder
     */
    public Builder maxRecordBytes(int v) {
      maxRecordBytes = v;
      return this;
    }

    /**
     * Sets records one remote peer may have stored with us, so one peer cannot fill the store; default 100.
     *
     * @param v the value
     * @return this builder
     */
    public Builder maxRecordsPerPeer(int v) {
      maxRecordsPerPeer = v;
      return this;
    }

    /**
     * Sets provider entries (one key, one provider) held in all; about 150 bytes each; default 100000.
     *
     * @param v the value
     * @return this builder
     */
    public Builder maxProviders(int v) {
      maxProviders = v;
      return this;
    }

    /**
     * Sets keys one remote peer may be a provider of in our store; default 1000.
     *
     * @param v the value
     * @return this builder
     */
    public Builder maxProvidersPerPeer(int v) {
      maxProvidersPerPeer = v;
      return this;
    }

    /**
     * Sets how long a stored record is served after it was received (go's MaxRecordAge); default Duration.ofHours(36).
     *
     * @param v the value
     * @return this builder
     */
    public Builder recordTtl(Duration v) {
      recordTtl = v;
      return this;
    }

    /**
     * Sets how long a provider entry lives (the spec, go and js: 48 h); default Duration.ofHours(48).
     *
     * @param v the value
     * @return this builder
     */
    public Builder providerTtl(Duration v) {
      providerTtl = v;
      return this;
    }

    /**
     * Sets how often our own provider entries are published again (the spec and go: 22 h); default Duration.ofHours(22).
     *
     * @param v the value
     * @return this builder
     */
    public Builder republishInterval(Duration v) {
      republishInterval = v;
      return this;
    }

    /**
     * Sets how often stale routing-table buckets are refreshed with a lookup (the spec and go: 10 min); default Duration.ofMinutes(10).
     *
     * @param v the value
     * @return this builder
     */
    public Builder refreshInterval(Duration v) {
      refreshInterval = v;
      return this;
    }

    /**
     * Checks the values and builds the settings.
     *
     * @return the settings
     * @throws IllegalArgumentException if a value is out of range
     */
    public DhtConfig build() {
      return new DhtConfig(this);
    }
  }
}
