package io.peerlink.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings for connections and their streams. Immutable; build with {@link #builder()}, which
 * validates every value in {@link Builder#build()}. {@link #defaults()} holds the defaults listed
 * on each field.
 */
public final class PeerConfig {
  /**
   * How long a close waits, after {@link #closeTimeout()}, for connections closed forcibly and
   * for its own event loops to stop: 1 s, enough for a responsive loop to run the forced closes,
   * short because a loop that is stuck will not stop however long we wait.
   */
  public static final Duration FORCED_CLOSE_BOUND = Duration.ofSeconds(1);

  private static final PeerConfig DEFAULTS = builder().build();

  private final Duration connectTimeout;
  private final Duration handshakeTimeout;
  private final Duration streamNegotiationTimeout;
  private final Duration closeTimeout;
  private final List<SecurityProtocol> securityProtocols;
  private final boolean earlyMuxerNegotiation;
  private final String agentVersion;
  private final int initialStreamWindow;
  private final int maxStreamWindow;
  private final int maxStreamsPerPeer;
  private final int maxPendingInboundStreams;
  private final int maxPendingControlFrames;
  private final int streamWriteBufferLowWaterMark;
  private final int streamWriteBufferHighWaterMark;
  private final int connectionWriteBufferLowWaterMark;
  private final int connectionWriteBufferHighWaterMark;
  private final Duration idleTimeout;
  private final Duration keepAliveInterval;
  private final Duration keepAliveTimeout;
  private final int maxMessageSize;
  private final List<StreamMuxer> streamMuxers;
  private final int mplexMaxBufferedBytes;
  private final TlsEngine tlsEngine;
  private final Duration waitForDirectConnection;
  private final Duration qualityPingInterval;
  private final double pathSwitchMargin;
  private final int pathSwitchSamples;
  private final int pathFailureThreshold;
  private final int pathRecoverySuccesses;
  private final Duration livenessProbeInterval;
  private final Duration livenessProbeTimeout;
  private final double pathThroughputRatio;
  private final ConnectionManagerConfig connectionManager;
  private final AddressBookConfig addressBook;
  private final Duration identifyPushDelay;
  private final ResourceLimits resourceLimits;
  private final QuicConfig quic;

  private PeerConfig(Builder b) {
    this.connectTimeout = b.connectTimeout;
    this.handshakeTimeout = b.handshakeTimeout;
    this.streamNegotiationTimeout = b.streamNegotiationTimeout;
    this.closeTimeout = b.closeTimeout;
    this.securityProtocols = List.copyOf(b.securityProtocols);
    this.earlyMuxerNegotiation = b.earlyMuxerNegotiation;
    this.agentVersion = b.agentVersion;
    this.initialStreamWindow = b.initialStreamWindow;
    this.maxStreamWindow = b.maxStreamWindow;
    this.maxStreamsPerPeer = b.maxStreamsPerPeer;
    this.maxPendingInboundStreams = b.maxPendingInboundStreams;
    this.maxPendingControlFrames = b.maxPendingControlFrames;
    this.streamWriteBufferLowWaterMark = b.streamWriteBufferLowWaterMark;
    this.streamWriteBufferHighWaterMark = b.streamWriteBufferHighWaterMark;
    this.connectionWriteBufferLowWaterMark = b.connectionWriteBufferLowWaterMark;
    this.connectionWriteBufferHighWaterMark = b.connectionWriteBufferHighWaterMark;
    this.idleTimeout = b.idleTimeout;
    this.keepAliveInterval = b.keepAliveInterval;
    this.keepAliveTimeout = b.keepAliveTimeout;
    this.maxMessageSize = b.maxMessageSize;
    this.streamMuxers = List.copyOf(b.streamMuxers);
    this.mplexMaxBufferedBytes = b.mplexMaxBufferedBytes;
    this.tlsEngine = b.tlsEngine;
    this.waitForDirectConnection = b.waitForDirectConnection;
    this.qualityPingInterval = b.qualityPingInterval;
    this.pathSwitchMargin = b.pathSwitchMargin;
    this.pathSwitchSamples = b.pathSwitchSamples;
    this.pathFailureThreshold = b.pathFailureThreshold;
    this.pathRecoverySuccesses = b.pathRecoverySuccesses;
    this.livenessProbeInterval = b.livenessProbeInterval;
    this.livenessProbeTimeout = b.livenessProbeTimeout;
    this.pathThroughputRatio = b.pathThroughputRatio;
    this.connectionManager = b.connectionManager;
    this.addressBook = b.addressBook;
    this.identifyPushDelay = b.identifyPushDelay;
    this.resourceLimits = b.resourceLimits;
    this.quic = b.quic;
  }

  /** {@return the default settings} */
  public static PeerConfig defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder starting from this configuration} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.connectTimeout = connectTimeout;
    b.handshakeTimeout = handshakeTimeout;
    b.streamNegotiationTimeout = streamNegotiationTimeout;
    b.closeTimeout = closeTimeout;
    b.securityProtocols = securityProtocols;
    b.earlyMuxerNegotiation = earlyMuxerNegotiation;
    b.agentVersion = agentVersion;
    b.initialStreamWindow = initialStreamWindow;
    b.maxStreamWindow = maxStreamWindow;
    b.maxStreamsPerPeer = maxStreamsPerPeer;
    b.maxPendingInboundStreams = maxPendingInboundStreams;
    b.maxPendingControlFrames = maxPendingControlFrames;
    b.streamWriteBufferLowWaterMark = streamWriteBufferLowWaterMark;
    b.streamWriteBufferHighWaterMark = streamWriteBufferHighWaterMark;
    b.connectionWriteBufferLowWaterMark = connectionWriteBufferLowWaterMark;
    b.connectionWriteBufferHighWaterMark = connectionWriteBufferHighWaterMark;
    b.idleTimeout = idleTimeout;
    b.keepAliveInterval = keepAliveInterval;
    b.keepAliveTimeout = keepAliveTimeout;
    b.maxMessageSize = maxMessageSize;
    b.streamMuxers = streamMuxers;
    b.mplexMaxBufferedBytes = mplexMaxBufferedBytes;
    b.tlsEngine = tlsEngine;
    b.waitForDirectConnection = waitForDirectConnection;
    b.qualityPingInterval = qualityPingInterval;
    b.pathSwitchMargin = pathSwitchMargin;
    b.pathSwitchSamples = pathSwitchSamples;
    b.pathFailureThreshold = pathFailureThreshold;
    b.pathRecoverySuccesses = pathRecoverySuccesses;
    b.livenessProbeInterval = livenessProbeInterval;
    b.livenessProbeTimeout = livenessProbeTimeout;
    b.pathThroughputRatio = pathThroughputRatio;
    b.connectionManager = connectionManager;
    b.addressBook = addressBook;
    b.identifyPushDelay = identifyPushDelay;
    b.resourceLimits = resourceLimits;
    b.quic = quic;
    return b;
  }

  /**
   * TCP connect timeout. Default 10 s.
   *
   * @return the TCP connect timeout
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Time allowed from TCP connect to a ready connection: security negotiation, the TLS or Noise
   * handshake and muxer negotiation. A peer that is slower is disconnected. Default 10 s.
   *
   * @return the handshake timeout
   */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /**
   * Time allowed for multistream-select on a new stream. Default 10 s.
   *
   * @return the stream negotiation timeout
   */
  public Duration streamNegotiationTimeout() {
    return streamNegotiationTimeout;
  }

  /**
   * How long closing a {@link Listener} or {@link Connector} waits for its connections to close
   * gracefully (go away sent, sockets closed on their event loops) before it closes them forcibly
   * and stops waiting for its event loops. This bounds shutdown whatever state the connections
   * and loops are in: a remote that floods or never reads, or a loop kept busy or stuck, cannot
   * make close hang. Default 3 s: a graceful close on a responsive loop takes milliseconds, and
   * 3 s plus the forced close (at most {@link #FORCED_CLOSE_BOUND}) stays within the 5 s an
   * orchestrator commonly gives a process between SIGTERM and SIGKILL.
   *
   * @return the graceful close bound
   */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /**
   * Security protocols in order of preference: offered in this order when dialing, accepted when
   * listening. Default TLS, then Noise (go-libp2p's order). {@link SecurityProtocol#PLAINTEXT}
   * encrypts nothing and is for tests only: it is used only when named here.
   *
   * @return the security protocols, most preferred first
   */
  public List<SecurityProtocol> securityProtocols() {
    return securityProtocols;
  }

  /**
   * Whether to agree on the muxer inside the security handshake (TLS ALPN, Noise extensions),
   * saving a round trip. Peers that do not support it fall back to multistream-select. Default true.
   *
   * @return whether the muxer is agreed inside the handshake
   */
  public boolean earlyMuxerNegotiation() {
    return earlyMuxerNegotiation;
  }

  /**
   * Sent to peers in identify. Default {@code "peerlink/<version>"}.
   *
   * @return the agent version
   */
  public String agentVersion() {
    return agentVersion;
  }

  /**
   * Initial yamux receive window per stream, in bytes. Default 256 KiB (the spec's value; minimum).
   *
   * @return the initial stream window, in bytes
   */
  public int initialStreamWindow() {
    return initialStreamWindow;
  }

  /**
   * Largest receive window a stream grows to when its reader keeps up, in bytes. Default 16 MiB.
   *
   * @return the largest stream window, in bytes
   */
  public int maxStreamWindow() {
    return maxStreamWindow;
  }

  /**
   * Open streams allowed per connection, both directions together; more are refused. Default 1024.
   *
   * @return the most open streams per connection
   */
  public int maxStreamsPerPeer() {
    return maxStreamsPerPeer;
  }

  /**
   * Inbound streams the remote may open on one connection that are still negotiating their
   * protocol (multistream-select not finished) or not yet accepted; more are reset, and the refusal
   * counts as a {@link ResourceLimits.Resource#NEGOTIATING_STREAMS} limit hit. Default 256 (as
   * go-libp2p's transient scope), so a peer that opens streams and never names a protocol holds
   * at most this many.
   *
   * @return the most inbound streams still negotiating
   */
  public int maxPendingInboundStreams() {
    return maxPendingInboundStreams;
  }

  /**
   * Yamux control frames a connection's remote made us owe it (ping replies, window updates, resets
   * of its refused streams) that may queue while it does not read what we send; one more closes
   * the connection, so a peer that floods pings and never reads the replies cannot fill our
   * memory. The count starts again whenever the remote reads. Default 256 frames.
   *
   * @return the most control frames queued for a remote that does not read
   */
  public int maxPendingControlFrames() {
    return maxPendingControlFrames;
  }

  /**
   * A stream turns writable again when its queued outbound bytes fall below this. Default 32 KiB.
   *
   * @return the low water mark, in bytes
   */
  public int streamWriteBufferLowWaterMark() {
    return streamWriteBufferLowWaterMark;
  }

  /**
   * A stream turns unwritable when its queued outbound bytes exceed this. Default 256 KiB.
   *
   * @return the high water mark, in bytes
   */
  public int streamWriteBufferHighWaterMark() {
    return streamWriteBufferHighWaterMark;
  }

  /**
   * A TCP connection turns writable again when the bytes queued for its socket fall below this.
   * Default 256 KiB.
   *
   * @return the low water mark, in bytes
   */
  public int connectionWriteBufferLowWaterMark() {
    return connectionWriteBufferLowWaterMark;
  }

  /**
   * A TCP connection turns unwritable when the bytes queued for its socket exceed this; its
   * streams then stop handing it frames until it drains, so a remote that reads slowly holds
   * about this much of ours per connection, not all that its windows allow. Default 1 MiB.
   *
   * @return the high water mark, in bytes
   */
  public int connectionWriteBufferHighWaterMark() {
    return connectionWriteBufferHighWaterMark;
  }

  /**
   * A connection with no stream activity (no stream opened, no stream data either way) for this
   * long is closed; keep-alive pings do not count as activity. {@link Duration#ZERO} (the default)
   * never closes an idle connection: libp2p connections are meant to stay up, and go-libp2p's swarm
   * does not time them out either; a {@link PeerPool} evicts idle peers on its own terms.
   *
   * @return the idle timeout
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * Interval between yamux keep-alive pings, which also measure the RTT ({@link PeerStats#rtt()}).
   * A connection whose ping goes unanswered (and which sends nothing else) for the ping timeout is
   * closed. {@link Duration#ZERO} turns keep-alive off. Default 30 s, go-libp2p's yamux value.
   *
   * @return the keep-alive interval
   */
  public Duration keepAliveInterval() {
    return keepAliveInterval;
  }

  /**
   * How long a yamux ping (keep-alive or quality ping) may go unanswered before it fails; a
   * keep-alive ping that fails while nothing else arrived closes the connection. With
   * {@link #keepAliveInterval()} it bounds how long a path that silently stopped carrying packets
   * (a dropped NAT mapping, a dead relay) keeps new streams: about interval + timeout. Default
   * 10 s, which tolerates a loaded relay or a long GC pause; lower both to move off such a path
   * within seconds.
   *
   * @return the ping timeout, positive
   */
  public Duration keepAliveTimeout() {
    return keepAliveTimeout;
  }

  /**
   * Largest message {@link Peer#send} sends and the message protocol accepts, in bytes (payload,
   * not counting the length prefix). A longer inbound message resets its stream. Default 2 MiB,
   * avalanchego's default maximum message size.
   *
   * @return the largest message, in bytes
   */
  public int maxMessageSize() {
    return maxMessageSize;
  }

  /**
   * Stream muxers in order of preference: offered in this order when dialing (inside the security
   * handshake when {@link #earlyMuxerNegotiation()}, else with multistream-select), accepted when
   * listening. Default yamux only; {@link StreamMuxer#MPLEX} is used only when named here.
   *
   * @return the stream muxers, most preferred first
   */
  public List<StreamMuxer> streamMuxers() {
    return streamMuxers;
  }

  /**
   * Unread bytes one mplex stream may hold before it is reset, in bytes. mplex has no flow control:
   * a remote may send faster than the application reads, and this bounds what waits (the bytes are
   * also charged to the stream's resource scope, {@link ResourceLimits#stream()}). go-mplex resets
   * a stream whose reader stays behind in the same way. Default 4 MiB: four of mplex's largest
   * (1 MiB) messages. Unused unless {@link #streamMuxers()} names mplex.
   *
   * @return the bound on an mplex stream's unread bytes
   */
  public int mplexMaxBufferedBytes() {
    return mplexMaxBufferedBytes;
  }

  /**
   * Which implementation runs libp2p TLS. Default {@link TlsEngine#AUTO}: BoringSSL where it loads
   * (about twice the throughput), Bouncy Castle's Java engine elsewhere; the system property
   * {@code peerlink.tls.engine} overrides AUTO. The engine in use is logged once, at INFO.
   *
   * @return the TLS engine choice
   */
  public TlsEngine tlsEngine() {
    return tlsEngine;
  }

  /**
   * How long a stream opened on a {@link PeerHandle} waits for a direct connection when only a
   * limited relayed one is open and none of the stream's protocols may run there (go-libp2p's
   * {@code waitForDirectConn}); then it fails with a {@link LimitExceededException}. Also how long
   * a stream waits for a connection while a reconnection is under way. Default 10 s: enough for a
   * connection reversal (3 s) and a first hole-punch round (its dial is bounded by 5 s); go waits
   * for its whole dial timeout (60 s), which leaves a caller hanging for a minute behind a NAT
   * where punching cannot work. {@link Duration#ZERO} fails at once.
   *
   * @return the longest wait for a direct connection
   */
  public Duration waitForDirectConnection() {
    return waitForDirectConnection;
  }

  /**
   * Interval between quality pings on each connection of a peer that has more than one (a peer
   * with one connection has nothing to choose from, and its keep-alive pings measure the RTT
   * anyway). They are yamux pings: no stream, allowed on limited connections, a dozen bytes each
   * way. Their round trips feed {@link PathQuality#rtt()} and the choice of path.
   * {@link Duration#ZERO} turns them off. Default 15 s; js-libp2p's connection monitor pings
   * every connection every 10 s, go-libp2p has no periodic ping beside yamux keep-alive (30 s).
   *
   * @return the quality ping interval
   */
  public Duration qualityPingInterval() {
    return qualityPingInterval;
  }

  /**
   * How much faster another connection of the same kind (both direct, or both relayed) must be
   * before a {@link PeerHandle} moves new streams to it, as a fraction of the selected one's RTT:
   * 0.2 (the default) means at least 20% lower. Together with {@link #pathSwitchSamples()} it keeps
   * the choice from flapping between two paths of about equal quality.
   *
   * @return the margin, in (0, 1)
   */
  public double pathSwitchMargin() {
    return pathSwitchMargin;
  }

  /**
   * How many RTT samples in a row must show the same connection better by
   * {@link #pathSwitchMargin()} before new streams move to it. Default 3 (45 s of quality pings
   * at the default interval).
   *
   * @return the number of samples, at least 1
   */
  public int pathSwitchSamples() {
    return pathSwitchSamples;
  }

  /**
   * How many stream opens or quality pings in a row must fail on a connection before a
   * {@link PeerHandle} demotes it below the healthy connections of the same kind (see
   * {@link PathQuality#demoted()}): a path that stopped carrying data (a NAT mapping lost, a
   * blackholed route) is noticed by its failures long before keep-alive closes it. A stream
   * refused for its protocol or for a relay's limit is the peer's answer, not a path failure, and
   * does not count. Default 3: one failure is noise, three in a row at stream rate (or 45 s of
   * quality pings) is a broken path.
   *
   * @return the number of failures in a row, at least 1
   */
  public int pathFailureThreshold() {
    return pathFailureThreshold;
  }

  /**
   * How many stream opens or quality pings in a row must succeed on a demoted connection before
   * it counts as healthy again and may be chosen by kind and RTT as before. A demoted connection
   * carries no new streams while a healthy one of its kind exists, so its quality pings
   * ({@link #qualityPingInterval()}) are what bring it back. Default 2 (30 s at the default ping
   * interval): more than one, so one lucky ping does not hand streams back to a flapping path.
   *
   * @return the number of successes in a row, at least 1
   */
  public int pathRecoverySuccesses() {
    return pathRecoverySuccesses;
  }

  /**
   * Interval between liveness probes on the connection a {@link PeerHandle} prefers, while the
   * peer has another connection to fall back to (a relayed one kept beside a punched one, say).
   * A probe is a yamux ping (a dozen bytes each way, no stream); one that goes unanswered for
   * {@link #livenessProbeTimeout()} (or four round-trip times, if longer) with nothing else read on
   * the connection meanwhile marks it unresponsive ({@link PathQuality#unresponsive()}): new
   * streams move to the fallback at once, without closing the connection, since the path may
   * come back; keep-alive still closes it if it does not. A silently dropped path is so left
   * within about interval + timeout (1.5 s by default) instead of keep-alive's 30 s + 10 s. Peers
   * with one connection are not probed: there is nowhere to go. {@link Duration#ZERO} turns the
   * probes off. Default 500 ms (at most 24 bytes a second each way per probed connection); go
   * and js have no such probe and rely on keep-alive and transport timeouts.
   *
   * @return the liveness probe interval
   */
  public Duration livenessProbeInterval() {
    return livenessProbeInterval;
  }

  /**
   * The least time a liveness probe ({@link #livenessProbeInterval()}) waits for its answer; the
   * wait is four times the connection's measured round-trip time when that is longer, so a slow
   * but live path is not taken for a dead one. Default 1 s: above the round trip of any usable
   * path and of a busy event loop's hiccups, and short enough to leave a dead path within 2 s.
   *
   * @return the least wait for a liveness probe's answer
   */
  public Duration livenessProbeTimeout() {
    return livenessProbeTimeout;
  }

  /**
   * How much more recent throughput another healthy connection of the same kind must show before
   * a {@link PeerHandle} moves new streams to it, when neither connection is clearly faster by
   * RTT ({@link #pathSwitchMargin()}): 2 (the default) means at least twice the selected one's.
   * Recent throughput is the highest rate (bytes read plus written per second) a connection
   * carried in one quality-ping interval within {@link PathQuality#FAILURE_WINDOW}
   * ({@link PathQuality#recentThroughput()}); a connection that carried bulk data well (streams
   * the remote opened on it, or streams left there when new ones moved) is known to have the
   * capacity, which RTT alone does not show.
   *
   * @return the ratio, above 1
   */
  public double pathThroughputRatio() {
    return pathThroughputRatio;
  }

  /**
   * When the host trims its connections (watermarks, grace period). Default
   * {@link ConnectionManagerConfig#defaults()}: above 400 connections, trim to 100.
   *
   * @return the connection manager's settings
   */
  public ConnectionManagerConfig connectionManager() {
    return connectionManager;
  }

  /**
   * Bounds of the host's address book. Default {@link AddressBookConfig#defaults()}.
   *
   * @return the address book's bounds
   */
  public AddressBookConfig addressBook() {
    return addressBook;
  }

  /**
   * How often the host checks whether its listen addresses or protocols changed, and sends an
   * identify push ({@code /ipfs/id/push/1.0.0}) to every connected peer when they did. Changes
   * within one interval (a relay reservation that adds two circuit addresses, a few handlers
   * registered together) go out as one push. {@link Duration#ZERO} never pushes. Default 1 s,
   * js-libp2p's push debounce (go-libp2p checks its addresses every 5 s and pushes at once).
   *
   * @return the identify push interval
   */
  public Duration identifyPushDelay() {
    return identifyPushDelay;
  }

  /**
   * What remotes may make this host hold: memory, streams and connections per host, peer,
   * connection, protocol and stream. Default {@link ResourceLimits#defaults()}, sized for 2 cores
   * and a 256 MiB heap.
   *
   * @return the resource limits
   */
  public ResourceLimits resourceLimits() {
    return resourceLimits;
  }

  /**
   * The QUIC transport's stream limit, windows and timeouts, for {@code /udp/N/quic-v1} addresses.
   * Default {@link QuicConfig#defaults()}.
   *
   * @return the QUIC settings
   */
  public QuicConfig quic() {
    return quic;
  }

  /** Builds a {@link PeerConfig}; every setter has the default named on the getter. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private Duration streamNegotiationTimeout = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(3);
    private List<SecurityProtocol> securityProtocols = List.of(SecurityProtocol.TLS, SecurityProtocol.NOISE);
    private boolean earlyMuxerNegotiation = true;
    private String agentVersion = "peerlink/" + Version.VERSION;
    private int initialStreamWindow = 256 * 1024;
    private int maxStreamWindow = 16 * 1024 * 1024;
    private int maxStreamsPerPeer = 1024;
    private int maxPendingInboundStreams = 256;
    private int maxPendingControlFrames = 256;
    private int streamWriteBufferLowWaterMark = 32 * 1024;
    private int streamWriteBufferHighWaterMark = 256 * 1024;
    private int connectionWriteBufferLowWaterMark = 256 * 1024;
    private int connectionWriteBufferHighWaterMark = 1024 * 1024;
    private Duration idleTimeout = Duration.ZERO;
    private Duration keepAliveInterval = Duration.ofSeconds(30);
    private Duration keepAliveTimeout = Duration.ofSeconds(10);
    private int maxMessageSize = 2 * 1024 * 1024;
    private List<StreamMuxer> streamMuxers = List.of(StreamMuxer.YAMUX);
    private int mplexMaxBufferedBytes = 4 * 1024 * 1024;
    private TlsEngine tlsEngine = TlsEngine.AUTO;
    private Duration waitForDirectConnection = Duration.ofSeconds(10);
    private Duration qualityPingInterval = Duration.ofSeconds(15);
    private double pathSwitchMargin = 0.2;
    private int pathSwitchSamples = 3;
    private int pathFailureThreshold = 3;
    private int pathRecoverySuccesses = 2;
    private Duration livenessProbeInterval = Duration.ofMillis(500);
    private Duration livenessProbeTimeout = Duration.ofSeconds(1);
    private double pathThroughputRatio = 2.0;
    private ConnectionManagerConfig connectionManager = ConnectionManagerConfig.defaults();
    private AddressBookConfig addressBook = AddressBookConfig.defaults();
    private Duration identifyPushDelay = Duration.ofSeconds(1);
    private ResourceLimits resourceLimits = ResourceLimits.defaults();
    private QuicConfig quic = QuicConfig.defaults();

    private Builder() {}

    /**
     * See {@link PeerConfig#connectionManager()}.
     *
     * @param v the connection manager's settings
     * @return this builder
     */
    public Builder connectionManager(ConnectionManagerConfig v) {
      this.connectionManager = Objects.requireNonNull(v, "connectionManager");
      return this;
    }

    /**
     * See {@link PeerConfig#quic()}.
     *
     * @param v the QUIC settings
     * @return this builder
     */
    public Builder quic(QuicConfig v) {
      this.quic = Objects.requireNonNull(v, "quic");
      return this;
    }

    /**
     * See {@link PeerConfig#addressBook()}.
     *
     * @param v the address book's bounds
     * @return this builder
     */
    public Builder addressBook(AddressBookConfig v) {
      this.addressBook = Objects.requireNonNull(v, "addressBook");
      return this;
    }

    /**
     * See {@link PeerConfig#identifyPushDelay()}; zero never pushes.
     *
     * @param v the identify push interval
     * @return this builder
     */
    public Builder identifyPushDelay(Duration v) {
      this.identifyPushDelay = v;
      return this;
    }

    /**
     * See {@link PeerConfig#resourceLimits()}.
     *
     * @param v the new limits
     * @return this builder
     */
    public Builder resourceLimits(ResourceLimits v) {
      this.resourceLimits = Objects.requireNonNull(v, "resourceLimits");
      return this;
    }

    /**
     * See {@link PeerConfig#idleTimeout()}; zero turns it off.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder idleTimeout(Duration v) {
      this.idleTimeout = v;
      return this;
    }

    /**
     * See {@link PeerConfig#keepAliveInterval()}; zero turns keep-alive off.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder keepAliveInterval(Duration v) {
      this.keepAliveInterval = v;
      return this;
    }

    /**
     * See {@link PeerConfig#keepAliveTimeout()}.
     *
     * @param v how long a ping may go unanswered, positive
     * @return this builder
     */
    public Builder keepAliveTimeout(Duration v) {
      this.keepAliveTimeout = v;
      return this;
    }

    /**
     * See {@link PeerConfig#waitForDirectConnection()}; zero fails at once.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder waitForDirectConnection(Duration v) {
      this.waitForDirectConnection = v;
      return this;
    }

    /**
     * See {@link PeerConfig#qualityPingInterval()}; zero turns quality pings off.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder qualityPingInterval(Duration v) {
      this.qualityPingInterval = v;
      return this;
    }

    /**
     * See {@link PeerConfig#pathSwitchMargin()} and {@link PeerConfig#pathSwitchSamples()}.
     *
     * @param margin the fraction by which the RTT must be lower, in (0, 1)
     * @param samples how many samples in a row, at least 1
     * @return this builder
     */
    public Builder pathSwitch(double margin, int samples) {
      this.pathSwitchMargin = margin;
      this.pathSwitchSamples = samples;
      return this;
    }

    /**
     * See {@link PeerConfig#pathFailureThreshold()} and {@link PeerConfig#pathRecoverySuccesses()}.
     *
     * @param failures failures in a row that demote a connection, at least 1
     * @param successes successes in a row that bring a demoted one back, at least 1
     * @return this builder
     */
    public Builder pathHealth(int failures, int successes) {
      this.pathFailureThreshold = failures;
      this.pathRecoverySuccesses = successes;
      return this;
    }

    /**
     * See {@link PeerConfig#livenessProbeInterval()} and {@link PeerConfig#livenessProbeTimeout()}.
     *
     * @param interval between probes; zero turns them off
     * @param timeout the least wait for a probe's answer, positive
     * @return this builder
     */
    public Builder livenessProbe(Duration interval, Duration timeout) {
      this.livenessProbeInterval = interval;
      this.livenessProbeTimeout = timeout;
      return this;
    }

    /**
     * See {@link PeerConfig#pathThroughputRatio()}.
     *
     * @param ratio how many times the selected connection's recent throughput, above 1
     * @return this builder
     */
    public Builder pathThroughputRatio(double ratio) {
      this.pathThroughputRatio = ratio;
      return this;
    }

    /**
     * See {@link PeerConfig#maxMessageSize()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxMessageSize(int v) {
      this.maxMessageSize = v;
      return this;
    }

    /**
     * See {@link PeerConfig#streamMuxers()}.
     *
     * @param v the muxers, most preferred first
     * @return this builder
     */
    public Builder streamMuxers(StreamMuxer... v) {
      this.streamMuxers = List.of(v);
      return this;
    }

    /**
     * See {@link PeerConfig#mplexMaxBufferedBytes()}.
     *
     * @param v the bound, in bytes
     * @return this builder
     */
    public Builder mplexMaxBufferedBytes(int v) {
      this.mplexMaxBufferedBytes = v;
      return this;
    }

    /**
     * See {@link PeerConfig#connectTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder connectTimeout(Duration v) {
      this.connectTimeout = v;
      return this;
    }

    /**
     * See {@link PeerConfig#handshakeTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder handshakeTimeout(Duration v) {
      this.handshakeTimeout = v;
      return this;
    }

    /**
     * See {@link PeerConfig#closeTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder closeTimeout(Duration v) {
      this.closeTimeout = v;
      return this;
    }

    /**
     * See {@link PeerConfig#streamNegotiationTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder streamNegotiationTimeout(Duration v) {
      this.streamNegotiationTimeout = v;
      return this;
    }

    /**
     * See {@link PeerConfig#securityProtocols()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder securityProtocols(List<SecurityProtocol> v) {
      this.securityProtocols = List.copyOf(v);
      return this;
    }

    /**
     * See {@link PeerConfig#securityProtocols()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder securityProtocols(SecurityProtocol... v) {
      return securityProtocols(List.of(v));
    }

    /**
     * See {@link PeerConfig#earlyMuxerNegotiation()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder earlyMuxerNegotiation(boolean v) {
      this.earlyMuxerNegotiation = v;
      return this;
    }

    /**
     * See {@link PeerConfig#agentVersion()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder agentVersion(String v) {
      this.agentVersion = v;
      return this;
    }

    /**
     * See {@link PeerConfig#initialStreamWindow()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder initialStreamWindow(int v) {
      this.initialStreamWindow = v;
      return this;
    }

    /**
     * See {@link PeerConfig#maxStreamWindow()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxStreamWindow(int v) {
      this.maxStreamWindow = v;
      return this;
    }

    /**
     * See {@link PeerConfig#maxStreamsPerPeer()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxStreamsPerPeer(int v) {
      this.maxStreamsPerPeer = v;
      return this;
    }

    /**
     * See {@link PeerConfig#maxPendingInboundStreams()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxPendingInboundStreams(int v) {
      this.maxPendingInboundStreams = v;
      return this;
    }

    /**
     * See {@link PeerConfig#maxPendingControlFrames()}.
     *
     * @param v the new value, at least 1
     * @return this builder
     */
    public Builder maxPendingControlFrames(int v) {
      this.maxPendingControlFrames = v;
      return this;
    }

    /**
     * See {@link PeerConfig#tlsEngine()}.
     *
     * @param v the TLS engine to run
     * @return this builder
     */
    public Builder tlsEngine(TlsEngine v) {
      this.tlsEngine = Objects.requireNonNull(v, "tlsEngine");
      return this;
    }

    /**
     * See {@link PeerConfig#streamWriteBufferLowWaterMark()} and the high mark.
     *
     * @param low the low water mark, in bytes
     * @param high the high water mark, in bytes
     * @return this builder
     */
    public Builder streamWriteBufferWaterMarks(int low, int high) {
      this.streamWriteBufferLowWaterMark = low;
      this.streamWriteBufferHighWaterMark = high;
      return this;
    }

    /**
     * See {@link PeerConfig#connectionWriteBufferHighWaterMark()} and the low mark.
     *
     * @param low the low water mark, in bytes
     * @param high the high water mark, in bytes
     * @return this builder
     */
    public Builder connectionWriteBufferWaterMarks(int low, int high) {
      this.connectionWriteBufferLowWaterMark = low;
      this.connectionWriteBufferHighWaterMark = high;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first invalid setting
     * @return the new {@code PeerConfig}
     */
    public PeerConfig build() {
      positive("connectTimeout", connectTimeout);
      positive("handshakeTimeout", handshakeTimeout);
      positive("streamNegotiationTimeout", streamNegotiationTimeout);
      positive("closeTimeout", closeTimeout);
      if (securityProtocols.isEmpty()) {
        throw new IllegalArgumentException("securityProtocols must name at least one protocol");
      }
      if (securityProtocols.stream().distinct().count() != securityProtocols.size()) {
        throw new IllegalArgumentException("securityProtocols has duplicates: " + securityProtocols);
      }
      if (streamMuxers.isEmpty()) {
        throw new IllegalArgumentException("streamMuxers must name at least one muxer");
      }
      if (streamMuxers.stream().distinct().count() != streamMuxers.size()) {
        throw new IllegalArgumentException("streamMuxers has duplicates: " + streamMuxers);
      }
      if (mplexMaxBufferedBytes < 1) {
        throw new IllegalArgumentException("mplexMaxBufferedBytes must be at least 1, was " + mplexMaxBufferedBytes);
      }
      Objects.requireNonNull(agentVersion, "agentVersion");
      if (initialStreamWindow < 256 * 1024) {
        throw new IllegalArgumentException(
            "initialStreamWindow must be at least 256 KiB (the yamux spec's window), was " + initialStreamWindow);
      }
      if (maxStreamWindow < initialStreamWindow) {
        throw new IllegalArgumentException("maxStreamWindow must be >= initialStreamWindow");
      }
      if (maxStreamsPerPeer < 1) {
        throw new IllegalArgumentException("maxStreamsPerPeer must be at least 1");
      }
      if (maxPendingInboundStreams < 1) {
        throw new IllegalArgumentException("maxPendingInboundStreams must be at least 1");
      }
      if (maxPendingControlFrames < 1) {
        throw new IllegalArgumentException("maxPendingControlFrames must be at least 1");
      }
      if (streamWriteBufferLowWaterMark < 0
          || streamWriteBufferHighWaterMark < streamWriteBufferLowWaterMark) {
        throw new IllegalArgumentException("stream write buffer water marks must satisfy 0 <= low <= high");
      }
      if (connectionWriteBufferLowWaterMark < 0
          || connectionWriteBufferHighWaterMark < connectionWriteBufferLowWaterMark) {
        throw new IllegalArgumentException("connection write buffer water marks must satisfy 0 <= low <= high");
      }
      nonNegative("idleTimeout", idleTimeout);
      nonNegative("keepAliveInterval", keepAliveInterval);
      positive("keepAliveTimeout", keepAliveTimeout);
      nonNegative("identifyPushDelay", identifyPushDelay);
      if (maxMessageSize < 1 || maxMessageSize > 64 * 1024 * 1024) {
        throw new IllegalArgumentException("maxMessageSize must be 1 byte .. 64 MiB, was " + maxMessageSize);
      }
      nonNegative("waitForDirectConnection", waitForDirectConnection);
      nonNegative("qualityPingInterval", qualityPingInterval);
      if (!(pathSwitchMargin > 0 && pathSwitchMargin < 1)) {
        throw new IllegalArgumentException("pathSwitchMargin must be in (0, 1), was " + pathSwitchMargin);
      }
      if (pathSwitchSamples < 1) {
        throw new IllegalArgumentException("pathSwitchSamples must be at least 1, was " + pathSwitchSamples);
      }
      if (pathFailureThreshold < 1) {
        throw new IllegalArgumentException("pathFailureThreshold must be at least 1, was " + pathFailureThreshold);
      }
      nonNegative("livenessProbeInterval", livenessProbeInterval);
      positive("livenessProbeTimeout", livenessProbeTimeout);
      if (!(pathThroughputRatio > 1)) {
        throw new IllegalArgumentException("pathThroughputRatio must be above 1, was " + pathThroughputRatio);
      }
      if (pathRecoverySuccesses < 1) {
        throw new IllegalArgumentException("pathRecoverySuccesses must be at least 1, was " + pathRecoverySuccesses);
      }
      return new PeerConfig(this);
    }

    private static void nonNegative(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must be zero (off) or positive, was " + d);
      }
    }

    private static void positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
    }
  }
}
