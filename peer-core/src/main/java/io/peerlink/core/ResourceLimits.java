package io.peerlink.core;

import java.util.Objects;

/**
 * What a host lets remotes make it hold, scope by scope, in the manner of go-libp2p's resource
 * manager: the whole host ({@link Scope#SYSTEM}), each remote peer, each connection, each protocol
 * and each stream. Every scope has a {@link Limit} on memory and on streams and connections in each
 * direction; a request is granted only if every scope it is charged to has room.
 *
 * <p>Memory is what a remote can make us buffer: the receive window each open stream grants (what
 * the remote may send before the handler reads; charged when the stream opens, and when auto-tuning
 * grows it, which it does only while every scope stays within half its limit), and outbound bytes
 * handed to the connection and not yet written to the socket (a remote that does not read keeps
 * them). A stream whose window does not fit is refused when it opens with a {@link PeerError#LIMIT}
 * error, so bytes a remote sends within its window are never refused; with the defaults a
 * connection holds 128 streams at once (32 MiB of 256 KiB windows). Outbound bytes over a limit wait
 * in the stream (which turns unwritable) until the connection drains. A stream over a stream limit
 * is reset (an inbound one) or fails to open with {@link LimitExceededException} (an outbound
 * one); a connection over a
 * connection limit is closed right after its handshake, when its peer is known. Every refusal is
 * logged at INFO (rate-limited per reason) and reported to {@link EventListener#resourceLimitExceeded}.
 *
 * <p>Streams still negotiating their protocol are bounded per connection by
 * {@link PeerConfig#maxPendingInboundStreams()}; connections still handshaking by
 * {@link ListenerLimits}.
 *
 * <p>Immutable; set it with {@link PeerConfig.Builder#resourceLimits}. The {@link #defaults()} are
 * sized for a host on 2 cores with a 256 MiB heap (and as much direct memory): half of that for
 * what remotes make us buffer, a quarter for one peer, an eighth for one connection.
 */
public final class ResourceLimits {

  /** The scopes a resource is charged to, from the widest. */
  public enum Scope {
    /** The whole host: every connection and stream together. */
    SYSTEM,
    /** All connections to one remote peer together. */
    PEER,
    /** One connection with its streams. */
    CONNECTION,
    /** All streams of one protocol together, on every connection. */
    PROTOCOL,
    /** One stream. */
    STREAM
  }

  /** What a scope limits. */
  public enum Resource {
    /** Bytes buffered: inbound not yet read, outbound not yet written to the socket. */
    MEMORY,
    /** Streams the remote opened. */
    INBOUND_STREAMS,
    /** Streams this host opened. */
    OUTBOUND_STREAMS,
    /** Inbound streams whose protocol is not agreed yet (per connection only). */
    NEGOTIATING_STREAMS,
    /** Connections the remote opened. */
    INBOUND_CONNECTIONS,
    /** Connections this host opened. */
    OUTBOUND_CONNECTIONS,
    /**
     * Control frames owed to a remote that does not read them (ping replies, window updates,
     * resets), per connection: over {@link PeerConfig#maxPendingControlFrames()} the connection closes.
     */
    CONTROL_FRAMES
  }

  /**
   * One scope's limits. A count that does not apply to a scope (connections of a stream) is
   * ignored there.
   *
   * @param memory bytes buffered at once
   * @param inboundStreams streams the remote opened, open at once
   * @param outboundStreams streams this host opened, open at once
   * @param inboundConnections connections the remote opened, open at once
   * @param outboundConnections connections this host opened, open at once
   */
  public record Limit(long memory, int inboundStreams, int outboundStreams, int inboundConnections,
      int outboundConnections) {

    /** A limit that limits nothing. */
    public static final Limit UNLIMITED =
        new Limit(Long.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

    /**
     * Checks that no value is negative.
     *
     * @param memory bytes buffered at once
     * @param inboundStreams streams the remote opened, open at once
     * @param outboundStreams streams this host opened, open at once
     * @param inboundConnections connections the remote opened, open at once
     * @param outboundConnections connections this host opened, open at once
     */
    public Limit {
      if (memory < 0 || inboundStreams < 0 || outboundStreams < 0 || inboundConnections < 0
          || outboundConnections < 0) {
        throw new IllegalArgumentException("resource limits must be >= 0: " + this);
      }
    }

    /**
     * {@return this limit with {@code bytes} of memory}
     *
     * @param bytes the memory limit
     */
    public Limit withMemory(long bytes) {
      return new Limit(bytes, inboundStreams, outboundStreams, inboundConnections, outboundConnections);
    }

    /**
     * {@return this limit with these stream counts}
     *
     * @param inbound streams the remote opened
     * @param outbound streams this host opened
     */
    public Limit withStreams(int inbound, int outbound) {
      return new Limit(memory, inbound, outbound, inboundConnections, outboundConnections);
    }

    /**
     * {@return this limit with these connection counts}
     *
     * @param inbound connections the remote opened
     * @param outbound connections this host opened
     */
    public Limit withConnections(int inbound, int outbound) {
      return new Limit(memory, inboundStreams, outboundStreams, inbound, outbound);
    }

    /**
     * {@return the limit on {@code resource}; {@link Long#MAX_VALUE} for negotiating streams and
     * control frames, which {@link PeerConfig} bounds}
     *
     * @param resource what is limited
     */
    public long of(Resource resource) {
      return switch (resource) {
        case MEMORY -> memory;
        case INBOUND_STREAMS -> inboundStreams;
        case OUTBOUND_STREAMS -> outboundStreams;
        case INBOUND_CONNECTIONS -> inboundConnections;
        case OUTBOUND_CONNECTIONS -> outboundConnections;
        case NEGOTIATING_STREAMS, CONTROL_FRAMES -> Long.MAX_VALUE;
      };
    }
  }

  private static final long MIB = 1024 * 1024;

  /**
   * The host: 128 MiB (half a 256 MiB heap), 4096 streams each way, 1024 inbound connections (as
   * {@link ListenerLimits#maxInbound()}) and 512 outbound.
   */
  public static final Limit DEFAULT_SYSTEM = new Limit(128 * MIB, 4096, 4096, 1024, 512);
  /**
   * One peer: 64 MiB, 1024 streams each way (as {@link PeerConfig#maxStreamsPerPeer()}), 8
   * connections each way (go-libp2p's per-peer connection limit).
   */
  public static final Limit DEFAULT_PEER = new Limit(64 * MIB, 1024, 1024, 8, 8);
  /**
   * One connection: 32 MiB (go-libp2p's per-connection memory; also what its streams' windows may
   * grow by together, {@code maxConnectionWindowGrowth}), 1024 streams each way.
   */
  public static final Limit DEFAULT_CONNECTION = new Limit(32 * MIB, 1024, 1024, 1, 1);
  /** One protocol: 64 MiB, 2048 streams each way (half the host's). */
  public static final Limit DEFAULT_PROTOCOL = new Limit(64 * MIB, 2048, 2048, 0, 0);
  /**
   * One stream: 24 MiB, the largest receive window (16 MiB) plus room for outbound bytes in
   * flight, so a stream whose window grew is never reset for it.
   */
  public static final Limit DEFAULT_STREAM = new Limit(24 * MIB, 1, 1, 0, 0);

  private static final ResourceLimits DEFAULTS = builder().build();
  private static final ResourceLimits UNLIMITED = builder().system(Limit.UNLIMITED).peer(Limit.UNLIMITED)
      .connection(Limit.UNLIMITED).protocol(Limit.UNLIMITED).stream(Limit.UNLIMITED).build();

  private final Limit system;
  private final Limit peer;
  private final Limit connection;
  private final Limit protocol;
  private final Limit stream;

  private ResourceLimits(Builder b) {
    this.system = b.system;
    this.peer = b.peer;
    this.connection = b.connection;
    this.protocol = b.protocol;
    this.stream = b.stream;
  }

  /** {@return the defaults: {@link #DEFAULT_SYSTEM}, {@link #DEFAULT_PEER} and so on} */
  public static ResourceLimits defaults() {
    return DEFAULTS;
  }

  /** {@return limits that limit nothing (only for tests and trusted networks)} */
  public static ResourceLimits unlimited() {
    return UNLIMITED;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder starting from these limits} */
  public Builder toBuilder() {
    return new Builder().system(system).peer(peer).connection(connection).protocol(protocol).stream(stream);
  }

  /**
   * {@return the limit of {@code scope}}
   *
   * @param scope which scope
   */
  public Limit of(Scope scope) {
    return switch (scope) {
      case SYSTEM -> system;
      case PEER -> peer;
      case CONNECTION -> connection;
      case PROTOCOL -> protocol;
      case STREAM -> stream;
    };
  }

  /** {@return the whole host's limit; default {@link #DEFAULT_SYSTEM}} */
  public Limit system() {
    return system;
  }

  /** {@return each remote peer's limit; default {@link #DEFAULT_PEER}} */
  public Limit peer() {
    return peer;
  }

  /** {@return each connection's limit (its connection counts are ignored); default {@link #DEFAULT_CONNECTION}} */
  public Limit connection() {
    return connection;
  }

  /** {@return each protocol's limit (connection counts ignored); default {@link #DEFAULT_PROTOCOL}} */
  public Limit protocol() {
    return protocol;
  }

  /** {@return each stream's limit (only memory applies); default {@link #DEFAULT_STREAM}} */
  public Limit stream() {
    return stream;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceLimits r && system.equals(r.system) && peer.equals(r.peer)
        && connection.equals(r.connection) && protocol.equals(r.protocol) && stream.equals(r.stream);
  }

  @Override
  public int hashCode() {
    return Objects.hash(system, peer, connection, protocol, stream);
  }

  @Override
  public String toString() {
    return "ResourceLimits{system=" + system + ", peer=" + peer + ", connection=" + connection
        + ", protocol=" + protocol + ", stream=" + stream + '}';
  }

  /** Builds {@link ResourceLimits}; each scope starts at its default. */
  public static final class Builder {
    private Limit system = DEFAULT_SYSTEM;
    private Limit peer = DEFAULT_PEER;
    private Limit connection = DEFAULT_CONNECTION;
    private Limit protocol = DEFAULT_PROTOCOL;
    private Limit stream = DEFAULT_STREAM;

    private Builder() {}

    /**
     * Sets the limit of {@code scope}.
     *
     * @param scope which scope
     * @param limit its limit
     * @return this builder
     */
    public Builder limit(Scope scope, Limit limit) {
      Objects.requireNonNull(limit, "limit");
      switch (scope) {
        case SYSTEM -> system = limit;
        case PEER -> peer = limit;
        case CONNECTION -> connection = limit;
        case PROTOCOL -> protocol = limit;
        case STREAM -> stream = limit;
      }
      return this;
    }

    /**
     * See {@link ResourceLimits#system()}.
     *
     * @param limit the new limit
     * @return this builder
     */
    public Builder system(Limit limit) {
      return limit(Scope.SYSTEM, limit);
    }

    /**
     * See {@link ResourceLimits#peer()}.
     *
     * @param limit the new limit
     * @return this builder
     */
    public Builder peer(Limit limit) {
      return limit(Scope.PEER, limit);
    }

    /**
     * See {@link ResourceLimits#connection()}.
     *
     * @param limit the new limit
     * @return this builder
     */
    public Builder connection(Limit limit) {
      return limit(Scope.CONNECTION, limit);
    }

    /**
     * See {@link ResourceLimits#protocol()}.
     *
     * @param limit the new limit
     * @return this builder
     */
    public Builder protocol(Limit limit) {
      return limit(Scope.PROTOCOL, limit);
    }

    /**
     * See {@link ResourceLimits#stream()}.
     *
     * @param limit the new limit
     * @return this builder
     */
    public Builder stream(Limit limit) {
      return limit(Scope.STREAM, limit);
    }

    /**
     * {@return the limits}
     */
    public ResourceLimits build() {
      return new ResourceLimits(this);
    }
  }
}
