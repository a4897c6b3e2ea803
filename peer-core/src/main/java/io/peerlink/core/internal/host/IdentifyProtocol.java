package io.peerlink.core.internal.host;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.Stream;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.identity.PublicKey;
import io.peerlink.core.internal.Varint;
import io.peerlink.core.internal.proto.IdentifyProtos.Identify;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.LengthPrefixedFrameDecoder;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * identify ({@code /ipfs/id/1.0.0}) and identify push ({@code /ipfs/id/push/1.0.0}).
 *
 * <p>The answering side writes one length-prefixed {@code Identify} and closes. The asking side
 * reads until end of stream, at most {@link #MAX_MESSAGES} messages of at most
 * {@link #MAX_MESSAGE_BYTES} each (go and js split a large record across messages), merges them
 * with protobuf merge semantics, and checks that the public key derives the connection's peer ID.
 */
public final class IdentifyProtocol {
  /** identify's protocol ID. */
  public static final String ID = "/ipfs/id/1.0.0";
  /** identify push's protocol ID. */
  public static final String PUSH = "/ipfs/id/push/1.0.0";
  /** What we announce as protocol version, as go and js do. */
  public static final String PROTOCOL_VERSION = "ipfs/0.1.0";
  /** Largest identify message accepted, in bytes (go and js use 8 KiB). */
  public static final int MAX_MESSAGE_BYTES = 8 * 1024;
  /** Most identify messages accepted on one stream (go and js use 10). */
  public static final int MAX_MESSAGES = 10;

  private IdentifyProtocol() {}

  /** Builds our identify message for {@code conn}. */
  static Identify localRecord(HostCore core, PeerConnection conn) {
    Identify.Builder b = Identify.newBuilder()
        .setProtocolVersion(PROTOCOL_VERSION)
        .setAgentVersion(core.config().agentVersion())
        .setPublicKey(ByteString.copyFrom(core.identity().publicKey().marshal()))
        .setObservedAddr(ByteString.copyFrom(conn.remoteAddress().bytes()));
    for (Multiaddr a : core.listenAddresses()) {
      // Listen addresses go out without the /p2p suffix, as go and js send them.
      b.addListenAddrs(ByteString.copyFrom(a.withoutPeerId().bytes()));
    }
    conn.protocols().forEach(b::addProtocols);
    return b.build();
  }

  /** Answers an identify request on {@code stream}: one message, then close. */
  static void respond(HostCore core, PeerConnection conn, Stream stream) {
    Channel ch = stream.channel();
    byte[] msg = localRecord(core, conn).toByteArray();
    ByteBuf out = ch.alloc().buffer(Varint.size(msg.length) + msg.length);
    Varint.write(out, msg.length);
    out.writeBytes(msg);
    ch.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Pushes our identify record to the remote of {@code conn}: a new stream, one message, then
   * close, as a push is sent. Completes once the message is written.
   */
  static CompletableFuture<Void> push(HostCore core, PeerConnection conn) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    conn.newStream(PUSH, s -> { }).whenComplete((s, e) -> {
      if (e != null) {
        done.completeExceptionally(e);
        return;
      }
      Channel ch = s.channel();
      byte[] msg = localRecord(core, conn).toByteArray();
      ByteBuf out = ch.alloc().buffer(Varint.size(msg.length) + msg.length);
      Varint.write(out, msg.length);
      out.writeBytes(msg);
      ch.writeAndFlush(out).addListener(f -> {
        ch.close();
        if (f.isSuccess()) {
          done.complete(null);
        } else {
          done.completeExceptionally(f.cause());
        }
      });
    });
    return done;
  }

  /**
   * Applies a pushed message to what we knew: the push may be partial, so a field it leaves out
   * (a repeated field it leaves empty) keeps the value we had. The public key, when sent, must
   * still derive the connection's peer ID.
   */
  static IdentifyInfo applyPush(PeerId remote, IdentifyInfo known, Identify push) throws PeerException {
    Identify.Builder b = Identify.newBuilder();
    b.setPublicKey(push.hasPublicKey() ? push.getPublicKey() : ByteString.copyFrom(known.publicKey().marshal()));
    b.setProtocolVersion(push.hasProtocolVersion() ? push.getProtocolVersion() : known.protocolVersion());
    b.setAgentVersion(push.hasAgentVersion() ? push.getAgentVersion() : known.agentVersion());
    if (push.getListenAddrsCount() > 0) {
      b.addAllListenAddrs(push.getListenAddrsList());
    } else {
      known.listenAddrs().forEach(a -> b.addListenAddrs(ByteString.copyFrom(a.bytes())));
    }
    if (push.getProtocolsCount() > 0) {
      b.addAllProtocols(push.getProtocolsList());
    } else {
      b.addAllProtocols(known.protocols());
    }
    if (push.hasObservedAddr()) {
      b.setObservedAddr(push.getObservedAddr());
    } else if (known.observedAddr() != null) {
      b.setObservedAddr(ByteString.copyFrom(known.observedAddr().bytes()));
    }
    return toInfo(remote, b.build());
  }

  /** Receives pushed updates on {@code stream}, merging each into {@code sink}. */
  static void receivePush(PeerConnection conn, Stream stream, Consumer<Identify> sink) {
    stream.channel().pipeline().addLast(
        new LengthPrefixedFrameDecoder(MAX_MESSAGE_BYTES), new Collector(conn, msg -> sink.accept(msg), null));
  }

  /** Asks the remote of {@code conn}; the future completes with the verified answer. */
  static CompletableFuture<IdentifyInfo> request(PeerConnection conn) {
    CompletableFuture<IdentifyInfo> result = new CompletableFuture<>();
    conn.newStream(ID, s -> s.channel().pipeline().addLast(
            new LengthPrefixedFrameDecoder(MAX_MESSAGE_BYTES), new Collector(conn, null, result)))
        .whenComplete((s, e) -> {
          if (e != null) {
            result.completeExceptionally(PeerException.wrap(e, PeerError.PROTOCOL));
          }
        });
    return result;
  }

  /** Converts a merged identify message, checking it against {@code remote}, the authenticated peer. */
  static IdentifyInfo toInfo(PeerId remote, Identify msg) throws PeerException {
    if (!msg.hasPublicKey()) {
      throw new ProtocolViolationException("identify from " + remote + " carries no public key");
    }
    PublicKey key;
    try {
      key = PublicKey.unmarshal(msg.getPublicKey().toByteArray());
    } catch (InvalidKeyException e) {
      throw new ProtocolViolationException("identify from " + remote + " has a bad public key", e);
    }
    if (!key.peerId().equals(remote)) {
      throw new ProtocolViolationException(
          "identify public key derives " + key.peerId() + " but the connection authenticated " + remote);
    }
    List<Multiaddr> listen = new ArrayList<>();
    for (ByteString a : msg.getListenAddrsList()) {
      try {
        listen.add(Multiaddr.fromBytes(a.toByteArray()));
      } catch (IllegalArgumentException e) {
        // An address we cannot parse (a transport we do not know) is skipped, not fatal.
      }
    }
    Multiaddr observed = null;
    if (msg.hasObservedAddr()) {
      try {
        observed = Multiaddr.fromBytes(msg.getObservedAddr().toByteArray());
      } catch (IllegalArgumentException e) {
        observed = null;
      }
    }
    return new IdentifyInfo(msg.getProtocolVersion(), msg.getAgentVersion(), key, listen, observed,
        msg.getProtocolsList());
  }

  /**
   * Merges the identify messages (one frame each, bounded before buffering by the
   * {@link LengthPrefixedFrameDecoder} in front of it) until end of stream.
   */
  private static final class Collector extends ChannelInboundHandlerAdapter {
    private final PeerConnection conn;
    private final Consumer<Identify> onPush;
    private final CompletableFuture<IdentifyInfo> result;
    private final Identify.Builder merged = Identify.newBuilder();
    private int messages;
    private boolean failed;

    Collector(PeerConnection conn, Consumer<Identify> onPush, CompletableFuture<IdentifyInfo> result) {
      this.conn = conn;
      this.onPush = onPush;
      this.result = result;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf frame = (ByteBuf) msg;
      try {
        if (failed) {
          return;
        }
        if (++messages > MAX_MESSAGES) {
          throw new LimitExceededException("more than " + MAX_MESSAGES + " identify messages on one stream");
        }
        merged.mergeFrom(ByteBufUtil.getBytes(frame));
      } catch (PeerException | InvalidProtocolBufferException e) {
        fail(ctx, e);
      } finally {
        frame.release();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        finish();
        ctx.close();
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      finish();
      ctx.fireChannelInactive();
    }

    private void finish() {
      if (failed) {
        return;
      }
      failed = true; // finish once
      try {
        Identify msg = merged.build();
        if (onPush != null) {
          onPush.accept(msg);
        } else if (messages == 0) {
          result.completeExceptionally(new ProtocolViolationException("identify stream closed with no message"));
        } else {
          result.complete(toInfo(conn.peerId(), msg));
        }
      } catch (PeerException e) {
        if (result != null) {
          result.completeExceptionally(e);
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(ctx, cause);
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
      if (!failed) {
        failed = true;
        if (result != null) {
          result.completeExceptionally(PeerException.wrap(cause, PeerError.PROTOCOL));
        }
      }
      ctx.close();
    }
  }
}
