package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.MessageHandler;
import io.peerlink.core.PeerState;
import io.peerlink.core.PeerStats;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.Stream;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.multistream.MultistreamInitiator;
import io.peerlink.core.internal.multistream.MultistreamResponder;
import io.peerlink.core.internal.proto.IdentifyProtos.Identify;
import io.peerlink.core.internal.protocol.PingClient;
import io.peerlink.core.internal.protocol.PingHandler;
import io.peerlink.core.internal.security.SecureSession;
import io.peerlink.core.internal.yamux.YamuxSession;
import io.peerlink.core.multiaddr.Multiaddr;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Peer} behind every ready connection: a secured channel carrying a yamux session.
 * Streams the remote opens are negotiated with multistream-select and handed to the handler for
 * their protocol (this connection's first, then the host's).
 */
public final class PeerConnection implements Peer {
  private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);

  private final HostCore core;
  private final Channel channel;
  private final SecureSession secure;
  private final Direction direction;
  private final ConnectionPath path;
  private final String muxer;
  private final boolean earlyMuxer;
  private final Multiaddr remoteAddress;
  private final Multiaddr localAddress;
  private final io.peerlink.core.ConnectionLimit limit;
  private final ProtocolRegistry ownHandlers = new ProtocolRegistry();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final CompletableFuture<IdentifyInfo> identify = new CompletableFuture<>();
  private volatile YamuxSession session;
  private volatile Identify pushed;
  private CompletableFuture<PingClient> ping; // event loop only
  private Channel pingStream; // event loop only
  private final ConnectionLifecycle lifecycle;
  private final TrafficCounter traffic;
  private final StreamActivity activity = new StreamActivity();
  private final long openedNanos = System.nanoTime();
  private final long openedMillis = System.currentTimeMillis();
  private volatile long lastActivityNanos = openedNanos;
  private volatile long rttNanos; // moving average; 0 until the first sample
  private volatile long messagesSent;
  private volatile long messagesReceived;
  private volatile MessageHandler messageHandler;
  private volatile Throwable failure;
  private MessageChannel messages; // event loop only, created on first use
  private io.netty.util.concurrent.ScheduledFuture<?> idleCheck; // event loop only

  /** Weight of a new RTT sample in the moving average; go-libp2p's peerstore uses the same. */
  static final double RTT_SMOOTHING = 0.1;

  PeerConnection(HostCore core, Channel channel, SecureSession secure, Direction direction,
      ConnectionPath path, String muxer, boolean earlyMuxer, ConnectionLifecycle lifecycle) {
    this(core, channel, secure, direction, path, muxer, earlyMuxer, lifecycle, null, null);
  }

  /** {@code remoteAddress} null: the channel's; {@code limit} null: not limited. */
  PeerConnection(HostCore core, Channel channel, SecureSession secure, Direction direction,
      ConnectionPath path, String muxer, boolean earlyMuxer, ConnectionLifecycle lifecycle,
      Multiaddr remoteAddress, io.peerlink.core.ConnectionLimit limit) {
    this.limit = limit;
    this.core = core;
    this.lifecycle = lifecycle;
    this.traffic = channel.pipeline().get(TrafficCounter.class);
    this.channel = channel;
    this.secure = secure;
    this.direction = direction;
    this.path = path;
    this.muxer = muxer;
    this.earlyMuxer = earlyMuxer;
    this.remoteAddress = remoteAddress != null ? remoteAddress : toMultiaddr(channel.remoteAddress());
    this.localAddress = toMultiaddr(channel.localAddress());
    channel.closeFuture().addListener(f -> {
      identify.completeExceptionally(new PeerException(PeerError.IO, "connection closed"));
      if (idleCheck != null) {
        idleCheck.cancel(false);
      }
      if (messages != null) {
        messages.close();
      }
      lifecycle.disconnected(this, failure);
      closeFuture.complete(null);
    });
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
    long idle = core.config().idleTimeout().toNanos();
    if (idle > 0) {
      scheduleIdleCheck(idle);
    }
    return true;
  }

  private void scheduleIdleCheck(long delayNanos) {
    idleCheck = channel.eventLoop().schedule(() -> {
      long idle = core.config().idleTimeout().toNanos();
      long quiet = System.nanoTime() - lastActivityNanos;
      if (quiet >= idle) {
        log.debug("closing {}: no stream activity for {} ms", this, quiet / 1_000_000);
        close();
      } else {
        scheduleIdleCheck(idle - quiet);
      }
    }, delayNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  private static Multiaddr toMultiaddr(java.net.SocketAddress a) {
    return a instanceof InetSocketAddress s ? Multiaddr.fromSocketAddress(s) : Multiaddr.parse("/p2p-circuit");
  }

  /** Attaches the muxer session; called once during the upgrade. */
  void attach(YamuxSession session) {
    this.session = session;
    session.onRoundTrip(this::rttSample);
  }

  /** Folds one RTT measurement into the moving average. Event loop. */
  private void rttSample(long nanos) {
    long old = rttNanos;
    rttNanos = old == 0 ? nanos : Math.max(1, (long) (old * (1 - RTT_SMOOTHING) + nanos * RTT_SMOOTHING));
  }

  /**
   * Marks stream activity for {@link PeerStats#lastActivity()}: one shared instance sits in every
   * stream's pipeline, so keep-alive pings (connection-level) do not count.
   */
  @io.netty.channel.ChannelHandler.Sharable
  private final class StreamActivity extends io.netty.channel.ChannelDuplexHandler {
    @Override
    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
      lastActivityNanos = System.nanoTime();
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise p) {
      lastActivityNanos = System.nanoTime();
      ctx.write(msg, p);
    }
  }

  /** The handler that sets up every stream the remote opens. */
  ChannelHandler inboundStreamInitializer() {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel stream) {
        halfClosable(stream);
        lastActivityNanos = System.nanoTime();
        stream.pipeline().addLast(activity);
        stream.pipeline().addLast(new MultistreamResponder(
            PeerConnection.this::installerFor, core.config().streamNegotiationTimeout()));
      }
    };
  }

  /**
   * libp2p streams close each direction on its own (the remote's FIN ends only our input), so
   * every stream allows half-closure; see {@link Stream}.
   */
  private static void halfClosable(Channel stream) {
    stream.config().setOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true);
  }

  /** The installer for an inbound stream's protocol, or null (answered {@code na}) if none is registered. */
  private ChannelHandler installerFor(String protocol) {
    if (limit != null && !core.runsOnLimitedConnections(protocol)) {
      log.debug("refused {} from {}: not allowed on a limited connection", protocol, peerId());
      return null;
    }
    StreamHandler h = ownHandlers.get(protocol);
    if (h == null) {
      h = core.protocols().get(protocol);
    }
    return h == null ? null : new StreamInstaller(h, protocol, null);
  }

  /**
   * Stands where the negotiator stood and runs the {@link StreamHandler} there, before the bytes
   * that followed the negotiation are passed on, then steps aside.
   */
  private final class StreamInstaller extends io.netty.channel.ChannelHandlerAdapter {
    private final StreamHandler handler;
    private final String protocol;
    private final CompletableFuture<Stream> opened;

    StreamInstaller(StreamHandler handler, String protocol, CompletableFuture<Stream> opened) {
      this.handler = handler;
      this.protocol = protocol;
      this.opened = opened;
    }

    @Override
    public void handlerAdded(io.netty.channel.ChannelHandlerContext ctx) {
      StreamImpl stream = new StreamImpl(ctx.channel(), protocol, PeerConnection.this);
      try {
        handler.handle(stream);
        ctx.pipeline().remove(this);
        if (opened != null) {
          opened.complete(stream);
        }
      } catch (Exception e) {
        log.warn("stream handler for {} from {} threw; stream reset", protocol, peerId(), e);
        if (opened != null) {
          opened.completeExceptionally(e);
        }
        ctx.channel().close();
      }
    }
  }

  /** Protocols this connection accepts streams for (identify announces them). */
  List<String> protocols() {
    TreeSet<String> all = new TreeSet<>(core.protocols().protocols());
    all.addAll(ownHandlers.protocols());
    return List.copyOf(all);
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

  void mergeIdentifyPush(Identify msg) {
    pushed = msg;
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
  public java.util.Optional<io.peerlink.core.ConnectionLimit> limit() {
    return java.util.Optional.ofNullable(limit);
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
    Objects.requireNonNull(handler, "handler");
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException("name at least one protocol");
    }
    CompletableFuture<Stream> result = new CompletableFuture<>();
    if (limit != null) {
      protocols = protocols.stream().filter(core::runsOnLimitedConnections).toList();
      if (protocols.isEmpty()) {
        result.completeExceptionally(new io.peerlink.core.LimitExceededException(
            "the connection to " + peerId() + " is a limited relayed connection and none of the"
                + " protocols opted in to limited connections"));
        return result;
      }
    }
    List<String> offered = protocols;
    YamuxSession s = session;
    if (s == null || !channel.isActive()) {
      result.completeExceptionally(new PeerException(PeerError.IO, "connection to " + peerId() + " is closed"));
      return result;
    }
    CompletableFuture<String> agreed = new CompletableFuture<>();
    agreed.whenComplete((protocol, err) -> {
      if (err != null) {
        result.completeExceptionally(PeerException.wrap(err, PeerError.PROTOCOL));
      }
    });
    // The initiator goes in before the stream can read: the remote's multistream header may
    // arrive right after our SYN, before any listener on the open future would run.
    s.openStream(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        halfClosable(ch);
        lastActivityNanos = System.nanoTime();
        ch.pipeline().addLast(activity);
        ch.pipeline().addLast(new MultistreamInitiator(offered,
            id -> new StreamInstaller(handler, id, result), agreed, core.config().streamNegotiationTimeout()));
      }
    }).addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(PeerException.wrap(f.cause(), PeerError.IO));
      }
    });
    return result;
  }

  @Override
  public void handle(String protocol, StreamHandler handler) {
    ownHandlers.put(protocol, handler);
  }

  @Override
  public CompletableFuture<Duration> ping() {
    CompletableFuture<Duration> result = new CompletableFuture<>();
    channel.eventLoop().execute(() -> {
      // One outbound ping stream per peer, opened once and reused (the ping spec's MUST);
      // concurrent callers wait for the same stream and PingClient runs their pings in turn.
      if (ping == null || (ping.isDone() && (ping.isCompletedExceptionally() || !pingStream.isActive()))) {
        CompletableFuture<PingClient> opening = new CompletableFuture<>();
        ping = opening;
        newStream(io.peerlink.core.internal.protocol.ProtocolIds.PING, s -> {
          PingClient client = new PingClient(core.config().streamNegotiationTimeout());
          pingStream = s.channel();
          s.channel().pipeline().addLast(client);
          opening.complete(client);
        }).whenComplete((s, err) -> {
          if (err != null) {
            opening.completeExceptionally(err);
          }
        });
      }
      ping.whenComplete((client, err) -> {
        if (err != null) {
          result.completeExceptionally(PeerException.wrap(err, PeerError.IO));
        } else {
          client.ping().whenComplete((rtt, e) -> {
            if (e == null) {
              channel.eventLoop().execute(() -> rttSample(rtt.toNanos()));
            }
            relay(result).accept(rtt, e);
          });
        }
      });
    });
    return result;
  }

  private static <T> java.util.function.BiConsumer<T, Throwable> relay(CompletableFuture<T> target) {
    return (v, e) -> {
      if (e != null) {
        target.completeExceptionally(PeerException.wrap(e, PeerError.IO));
      } else {
        target.complete(v);
      }
    };
  }

  @Override
  public CompletableFuture<IdentifyInfo> identify() {
    return identify;
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
    YamuxSession s = session;
    long rtt = rttNanos;
    long last = lastActivityNanos;
    return new PeerStats(
        traffic != null ? traffic.bytesRead() : 0,
        traffic != null ? traffic.bytesWritten() : 0,
        rtt == 0 ? java.util.Optional.empty() : java.util.Optional.of(Duration.ofNanos(rtt)),
        java.time.Instant.ofEpochMilli(openedMillis + (last - openedNanos) / 1_000_000),
        s == null ? 0 : s.streamCount(),
        messagesSent,
        messagesReceived);
  }

  /** Nanotime of the last stream activity. */
  long lastActivityNanos() {
    return lastActivityNanos;
  }

  @Override
  public int openStreams() {
    YamuxSession s = session;
    return s == null ? 0 : s.streamCount();
  }

  // ------------------------------------------------------------------ messages

  /** This connection's message channel, created on first use. Event loop. */
  MessageChannel messages() {
    if (messages == null) {
      messages = new MessageChannel(this, core.config().maxMessageSize());
      if (!channel.isActive()) {
        messages.close();
      }
    }
    return messages;
  }

  /** The handler for messages: this connection's, else the host's, else null (queue for receive). */
  MessageHandler messageHandler() {
    MessageHandler h = messageHandler;
    return h != null ? h : core.messageHandler();
  }

  @SuppressWarnings("NonAtomicOperationOnVolatileField") // event loop only
  void messageSent() {
    messagesSent++;
  }

  @SuppressWarnings("NonAtomicOperationOnVolatileField") // event loop only
  void messageReceived() {
    messagesReceived++;
  }

  @Override
  public CompletableFuture<Void> send(byte[] message) {
    Objects.requireNonNull(message, "message");
    CompletableFuture<Void> done = new CompletableFuture<>();
    int max = core.config().maxMessageSize();
    if (message.length > max) {
      done.completeExceptionally(MessageChannel.tooLarge(message.length, max));
      return done;
    }
    channel.eventLoop().execute(() -> messages().send(message, done));
    return done;
  }

  @Override
  public CompletableFuture<byte[]> receive() {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    channel.eventLoop().execute(() -> messages().receive(result));
    return result;
  }

  @Override
  public void onMessage(MessageHandler handler) {
    this.messageHandler = handler;
  }

  @Override
  public CompletableFuture<Void> close() {
    lifecycle.disconnecting();
    YamuxSession s = session;
    if (s != null && channel.isActive()) {
      s.goAway(io.peerlink.core.internal.yamux.GoAwayCode.NORMAL);
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
    return "Peer(" + peerId() + " " + direction.name().toLowerCase(java.util.Locale.ROOT) + " "
        + remoteAddress + " " + secure.securityProtocol() + ")";
  }
}
