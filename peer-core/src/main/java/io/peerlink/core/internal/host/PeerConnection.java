package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.IdentifyInfo;
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

  PeerConnection(HostCore core, Channel channel, SecureSession secure, Direction direction,
      ConnectionPath path, String muxer, boolean earlyMuxer) {
    this(core, channel, secure, direction, path, muxer, earlyMuxer, null, null);
  }

  /** {@code remoteAddress} null: the channel's; {@code limit} null: not limited. */
  PeerConnection(HostCore core, Channel channel, SecureSession secure, Direction direction,
      ConnectionPath path, String muxer, boolean earlyMuxer, Multiaddr remoteAddress,
      io.peerlink.core.ConnectionLimit limit) {
    this.limit = limit;
    this.core = core;
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
      closeFuture.complete(null);
    });
  }

  private static Multiaddr toMultiaddr(java.net.SocketAddress a) {
    return a instanceof InetSocketAddress s ? Multiaddr.fromSocketAddress(s) : Multiaddr.parse("/p2p-circuit");
  }

  /** Attaches the muxer session; called once during the upgrade. */
  void attach(YamuxSession session) {
    this.session = session;
  }

  /** The handler that sets up every stream the remote opens. */
  ChannelHandler inboundStreamInitializer() {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel stream) {
        halfClosable(stream);
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
          client.ping().whenComplete(relay(result));
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
  public CompletableFuture<Void> close() {
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
