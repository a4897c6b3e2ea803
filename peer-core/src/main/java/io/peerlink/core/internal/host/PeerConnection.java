package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.MessageHandler;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerState;
import io.peerlink.core.PeerStats;
import io.peerlink.core.Stream;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.proto.IdentifyProtos.Identify;
import io.peerlink.core.internal.security.SecureSession;
import io.peerlink.core.internal.muxer.MuxerSession;
import io.peerlink.core.multiaddr.Multiaddr;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Peer} behind every ready connection: a secured channel carrying a muxer session, or
 * a QUIC connection carrying its own streams ({@link QuicMuxer}).
 * It ties together the parts that do the work: {@link ConnectionStreams} (opening and accepting
 * streams), {@link ConnectionPing}, {@link ConnectionMessages}, {@link ConnectionStats} and the
 * {@link IdleTimeout}; what is left here is the connection's identity, identify and closing.
 * Made by {@link ConnectionUpgrader} through {@link #builder}.
 */
public final class PeerConnection implements Peer {
  private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);

  private final Channel channel;
  private final SecureSession secure;
  private final Direction direction;
  private final ConnectionPath path;
  private final String muxer;
  private final boolean earlyMuxer;
  private final Multiaddr remoteAddress;
  private final Multiaddr localAddress;
  private final ConnectionLimit limit;
  private final ConnectionLifecycle lifecycle;
  private final ConnectionStats stats;
  private final ConnectionStreams streams;
  private final ConnectionPing ping;
  private final ConnectionMessages messages;
  private final IdleTimeout idle;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final CompletableFuture<IdentifyInfo> identify = new CompletableFuture<>();
  private final HostCore core;
  private volatile IdentifyInfo pushed;
  private volatile Throwable failure;
  private volatile LongConsumer rttObserver;

  private PeerConnection(Builder b) {
    HostCore core = b.core;
    this.core = core;
    this.channel = b.channel;
    this.secure = b.secure;
    this.direction = Objects.requireNonNull(b.direction, "direction");
    this.path = Objects.requireNonNull(b.path, "path");
    this.muxer = Objects.requireNonNull(b.muxer, "muxer");
    this.earlyMuxer = b.earlyMuxer;
    this.lifecycle = Objects.requireNonNull(b.lifecycle, "lifecycle");
    this.limit = b.limit;
    this.remoteAddress = b.remoteAddress != null ? b.remoteAddress : toMultiaddr(channel.remoteAddress());
    this.localAddress = b.localAddress != null ? b.localAddress : toMultiaddr(channel.localAddress());
    this.stats = new ConnectionStats(channel);
    this.streams = new ConnectionStreams(core, this, limit, stats);
    this.ping = new ConnectionPing(this, core.config().streamNegotiationTimeout(), stats);
    this.messages = new ConnectionMessages(core, this, stats);
    this.idle = new IdleTimeout(channel.eventLoop(), core.config().idleTimeout(), stats, this,
        core.connectionManager());
    channel.closeFuture().addListener(f -> {
      identify.completeExceptionally(new PeerException(PeerError.IO, "connection closed"));
      idle.stop();
      messages.closed();
      lifecycle.disconnected(this, failure);
      closeFuture.complete(null);
    });
  }

  /** Starts a connection on {@code channel}, secured by {@code secure}, for {@code core}. */
  static Builder builder(HostCore core, Channel channel, SecureSession secure) {
    return new Builder(core, channel, secure);
  }

  /** Records why the connection failed, for the disconnected event. */
  void recordFailure(Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
  }

  /** The connection became ready: report it and start the idle timer. Event loop. */
  boolean ready() {
    if (!lifecycle.connected(this)) {
      return false;
    }
    idle.start();
    return true;
  }

  private static Multiaddr toMultiaddr(SocketAddress a) {
    return a instanceof InetSocketAddress s ? Multiaddr.fromSocketAddress(s) : Multiaddr.parse("/p2p-circuit");
  }

  /** Attaches the muxer session; called once during the upgrade. */
  void attach(MuxerSession session) {
    streams.attach(session);
    session.onRoundTrip(this::rttSample);
  }

  /**
   * Folds one measured round trip into the RTT average and tells the observer (the peer's handle,
   * which chooses between paths on it). Event loop.
   */
  void rttSample(long nanos) {
    stats.rttSample(nanos);
    LongConsumer observer = rttObserver;
    if (observer != null) {
      observer.accept(nanos);
    }
  }

  /** Sets who hears of every RTT sample; null removes it. */
  void onRttSample(LongConsumer observer) {
    this.rttObserver = observer;
  }

  /** The RTT moving average in nanoseconds, 0 until the first sample. */
  long rttNanos() {
    return stats.rttNanos();
  }

  /**
   * One muxer ping (on mplex, which has none, one ping-protocol ping): no stream to open, allowed
   * on limited connections, and its round trip reaches {@link #rttSample} like a keep-alive's.
   */
  CompletableFuture<Duration> muxerPing() {
    CompletableFuture<Duration> result = new CompletableFuture<>();
    MuxerSession s = streams.session();
    if (s == null || !channel.isActive()) {
      result.completeExceptionally(new PeerException(PeerError.IO, "connection to " + peerId() + " is closed"));
      return result;
    }
    if (!s.supportsPing()) {
      return ping(); // mplex has no ping of its own: the ping protocol measures the same path
    }
    s.ping().addListener(f -> {
      if (f.isSuccess()) {
        result.complete(Duration.ofNanos((Long) f.getNow()));
      } else {
        result.completeExceptionally(PeerException.wrap(f.cause(), PeerError.TIMEOUT));
      }
    });
    return result;
  }

  /** The handler that sets up every stream the remote opens. */
  ChannelHandler inboundStreamInitializer() {
    return streams.inboundStreamInitializer();
  }

  /** Protocols this connection accepts streams for (identify announces them). */
  List<String> protocols() {
    return streams.protocols();
  }

  /** Starts identify once the connection is ready. */
  void startIdentify() {
    IdentifyProtocol.request(this).whenComplete((info, err) -> {
      if (err != null) {
        log.debug("identify with {} failed: {}", peerId(), err.toString());
        identify.completeExceptionally(err);
      } else {
        identify.complete(info);
      }
    });
  }

  /**
   * Applies an identify push: {@link #identify()} answers with the merged record from now on, and
   * the host updates the address book. A push that arrives before identify answered counts only
   * if it is complete (carries the public key).
   */
  void mergeIdentifyPush(Identify msg) {
    if (msg.equals(Identify.getDefaultInstance())) {
      return;
    }
    IdentifyInfo known = pushed != null ? pushed : identify.getNow(null);
    try {
      IdentifyInfo merged = known == null
          ? IdentifyProtocol.toInfo(peerId(), msg)
          : IdentifyProtocol.applyPush(peerId(), known, msg);
      // The address book first: whoever sees the pushed record through identify() then finds its
      // addresses in the book too.
      core.identified(this, merged);
      pushed = merged;
    } catch (PeerException e) {
      log.debug("identify push from {} ignored: {}", peerId(), e.toString());
    }
  }

  /** This connection's message API. */
  ConnectionMessages messages() {
    return messages;
  }

  @Override
  public PeerId peerId() {
    return secure.remotePeerId();
  }

  @Override
  public Multiaddr remoteAddress() {
    return remoteAddress;
  }

  @Override
  public Multiaddr localAddress() {
    return localAddress;
  }

  @Override
  public Direction direction() {
    return direction;
  }

  @Override
  public ConnectionPath path() {
    return path;
  }

  @Override
  public Optional<ConnectionLimit> limit() {
    return Optional.ofNullable(limit);
  }

  @Override
  public String securityProtocol() {
    return secure.securityProtocol();
  }

  @Override
  public String muxer() {
    return muxer;
  }

  @Override
  public boolean earlyMuxerNegotiated() {
    return earlyMuxer;
  }

  /** The connection's channel (the secured transport). */
  public Channel channel() {
    return channel;
  }

  @Override
  public CompletableFuture<Stream> newStream(List<String> protocols, StreamHandler handler) {
    return streams.open(protocols, handler);
  }

  @Override
  public void handle(String protocol, StreamHandler handler) {
    streams.handle(protocol, handler);
  }

  @Override
  public CompletableFuture<Duration> ping() {
    return ping.ping();
  }

  @Override
  public CompletableFuture<IdentifyInfo> identify() {
    IdentifyInfo latest = pushed;
    return latest != null ? CompletableFuture.completedFuture(latest) : identify;
  }

  @Override
  public boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public PeerState state() {
    return lifecycle.state();
  }

  @Override
  public PeerStats stats() {
    return stats.snapshot(streams.count());
  }

  @Override
  public int openStreams() {
    return streams.count();
  }

  @Override
  public CompletableFuture<Void> send(byte[] message) {
    return messages.send(message);
  }

  @Override
  public CompletableFuture<byte[]> receive() {
    return messages.receive();
  }

  @Override
  public void onMessage(MessageHandler handler) {
    messages.onMessage(handler);
  }

  @Override
  public CompletableFuture<Void> close() {
    lifecycle.disconnecting();
    MuxerSession s = streams.session();
    if (s != null && channel.isActive()) {
      s.goAway();
    }
    channel.close();
    return closeFuture;
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public String toString() {
    return "Peer(" + peerId() + " " + direction.name().toLowerCase(Locale.ROOT) + " "
        + remoteAddress + " " + secure.securityProtocol() + ")";
  }

  /** What the upgrade settled about a connection; {@link #build()} checks that it is complete. */
  static final class Builder {
    private final HostCore core;
    private final Channel channel;
    private final SecureSession secure;
    private Direction direction;
    private ConnectionPath path;
    private String muxer;
    private boolean earlyMuxer;
    private ConnectionLifecycle lifecycle;
    private Multiaddr remoteAddress;
    private Multiaddr localAddress;
    private ConnectionLimit limit;

    private Builder(HostCore core, Channel channel, SecureSession secure) {
      this.core = Objects.requireNonNull(core, "core");
      this.channel = Objects.requireNonNull(channel, "channel");
      this.secure = Objects.requireNonNull(secure, "secure");
    }

    /** Who opened the connection. Required. */
    Builder direction(Direction direction) {
      this.direction = direction;
      return this;
    }

    /** Direct, hole-punched or relayed. Required. */
    Builder path(ConnectionPath path) {
      this.path = path;
      return this;
    }

    /** The muxer's protocol ID, and whether it was agreed inside the security handshake. Required. */
    Builder muxer(String muxer, boolean negotiatedEarly) {
      this.muxer = muxer;
      this.earlyMuxer = negotiatedEarly;
      return this;
    }

    /** The state and events carried over from the dial or accept. Required. */
    Builder lifecycle(ConnectionLifecycle lifecycle) {
      this.lifecycle = lifecycle;
      return this;
    }

    /** What {@link Peer#remoteAddress()} reports; null (the default): the channel's address. */
    Builder remoteAddress(Multiaddr remoteAddress) {
      this.remoteAddress = remoteAddress;
      return this;
    }

    /** What {@link Peer#localAddress()} reports; null (the default): the channel's address. */
    Builder localAddress(Multiaddr localAddress) {
      this.localAddress = localAddress;
      return this;
    }

    /** The relay's limit on this connection; null (the default): not limited. */
    Builder limit(ConnectionLimit limit) {
      this.limit = limit;
      return this;
    }

    PeerConnection build() {
      return new PeerConnection(this);
    }
  }
}
