package io.peerlink.core.internal.plaintext;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.HandshakeException;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.identity.PublicKey;
import io.peerlink.core.internal.Varint;
import io.peerlink.core.internal.proto.PlaintextProtos.Exchange;
import io.peerlink.core.internal.security.SecureSession;
import java.security.InvalidKeyException;
import java.util.Objects;

/**
 * libp2p's {@code /plaintext/2.0.0} "security" handler: both sides send one {@code Exchange}
 * message (their peer ID and public key, {@code uvarint(length) || protobuf}), check that the
 * remote's ID derives from its key (and, on the dialing side, that it is the peer dialed), and the
 * connection then carries bytes as they are. Nothing is encrypted or authenticated: anyone on the
 * path can read, change or forge everything, so this is for tests only (libp2p's interop suite
 * runs a matrix with it).
 *
 * <p><b>Install</b> it where multistream-select agreed on {@value #PROTOCOL_ID}, like the Noise
 * handler. It sends its {@code Exchange} once the channel is active, fires a {@link SecureSession}
 * ({@code earlyMuxer} null: the muxer is agreed with multistream-select afterwards) when the
 * remote's message checks out, passes on any bytes that came behind that message, and removes
 * itself: after the exchange, bytes go through untouched.
 *
 * <p><b>Failures.</b> A length prefix over {@link #MAX_EXCHANGE_BYTES} fails before anything is
 * buffered ({@link LimitExceededException}); a malformed message, a missing field, an unusable key,
 * an ID that the key does not derive, or a peer other than the one dialed fail with a
 * {@link HandshakeException}; a connection that closes first fails with one too. Each fires
 * {@code exceptionCaught}, closes the channel and releases what was buffered. The whole exchange
 * is bounded by the connection upgrade's handshake timeout. Not sharable: one per connection.
 */
public final class PlaintextHandler extends ChannelInboundHandlerAdapter {
  /** The multistream-select protocol ID. */
  public static final String PROTOCOL_ID = "/plaintext/2.0.0";

  /**
   * Largest {@code Exchange} message accepted, in bytes: twice the largest public key peerlink
   * reads (2048 bytes, an RSA key), which leaves room for the peer ID and the protobuf tags. Fixed
   * rather than configurable, like Noise's message bound: no honest peer needs more.
   */
  public static final int MAX_EXCHANGE_BYTES = 4096;

  private enum State { NEW, EXCHANGING, DONE, FAILED }

  private final Identity identity;
  private final PeerId expectedRemote;
  private State state = State.NEW;
  private ByteBuf cumulation;

  /**
   * Creates the handler for one connection.
   *
   * @param identity this peer's identity, sent to the remote
   * @param expectedRemote the peer the dialer dialed, checked against what the remote sends; null
   *     on the listening side, which accepts any peer whose ID matches its key
   */
  public PlaintextHandler(Identity identity, PeerId expectedRemote) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.expectedRemote = expectedRemote;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  private void start(ChannelHandlerContext ctx) {
    if (state != State.NEW) {
      return;
    }
    state = State.EXCHANGING;
    byte[] exchange = Exchange.newBuilder()
        .setId(ByteString.copyFrom(identity.peerId().bytes()))
        .setPubkey(ByteString.copyFrom(identity.publicKey().marshal()))
        .build().toByteArray();
    ByteBuf out = ctx.alloc().buffer(Varint.size(exchange.length) + exchange.length);
    Varint.write(out, exchange.length);
    out.writeBytes(exchange);
    ctx.writeAndFlush(out);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.DONE) {
      ctx.fireChannelRead(msg); // only between our removal being asked for and taking effect
      return;
    }
    if (state == State.FAILED) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof ByteBuf in)) {
      ReferenceCountUtil.release(msg);
      fail(ctx, new ProtocolViolationException("plaintext: unexpected inbound " + msg.getClass().getName()));
      return;
    }
    cumulation = cumulation == null ? in
        : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
    if (state == State.NEW) {
      return; // not active yet: start() comes with channelActive, then the next read parses
    }
    SecureSession session;
    try {
      session = tryReadExchange();
    } catch (PeerException e) {
      fail(ctx, e);
      return;
    }
    if (session == null) {
      return;
    }
    state = State.DONE;
    ctx.fireUserEventTriggered(session);
    ByteBuf rest = cumulation;
    cumulation = null;
    ctx.pipeline().remove(this);
    if (rest.isReadable()) {
      ctx.fireChannelRead(rest); // the remote's first bytes after its exchange, e.g. multistream-select
    } else {
      rest.release();
    }
  }

  /** The session once a whole message is buffered and checks out; null while it is incomplete. */
  private SecureSession tryReadExchange() throws PeerException {
    int start = cumulation.readerIndex();
    long length = Varint.tryRead(cumulation);
    if (length == Varint.INCOMPLETE) {
      return null;
    }
    if (length > MAX_EXCHANGE_BYTES) {
      throw new LimitExceededException("plaintext: exchange message of " + length
          + " bytes, more than the " + MAX_EXCHANGE_BYTES + " bytes any key needs");
    }
    if (cumulation.readableBytes() < length) {
      cumulation.readerIndex(start);
      return null;
    }
    byte[] message = ByteBufUtil.getBytes(cumulation, cumulation.readerIndex(), (int) length);
    cumulation.skipBytes((int) length);
    return verify(message);
  }

  private SecureSession verify(byte[] message) throws HandshakeException {
    Exchange exchange;
    try {
      exchange = Exchange.parseFrom(message);
    } catch (InvalidProtocolBufferException e) {
      throw new HandshakeException("plaintext: malformed exchange message: " + e.getMessage(), e);
    }
    if (!exchange.hasId() || !exchange.hasPubkey()) {
      throw new HandshakeException("plaintext: the exchange message lacks the remote's id or pubkey");
    }
    PublicKey key;
    PeerId claimed;
    try {
      key = PublicKey.unmarshal(exchange.getPubkey().toByteArray());
      claimed = PeerId.fromBytes(exchange.getId().toByteArray());
    } catch (InvalidKeyException | RuntimeException e) {
      // Key and ID parsing run on the remote's bytes; whatever they throw fails this handshake only.
      throw new HandshakeException("plaintext: unusable id or pubkey in the exchange message: " + e, e);
    }
    PeerId derived = key.peerId();
    if (!derived.equals(claimed)) {
      throw new HandshakeException("plaintext: the remote claims peer ID " + claimed
          + " but its key derives " + derived);
    }
    if (expectedRemote != null && !expectedRemote.equals(claimed)) {
      throw new HandshakeException("expected peer " + expectedRemote + " but the remote presented " + claimed);
    }
    return new SecureSession(claimed, key, PROTOCOL_ID, null);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state == State.NEW || state == State.EXCHANGING) {
      fail(ctx, new HandshakeException("plaintext: the connection closed during the key exchange"));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseCumulation();
  }

  private void fail(ChannelHandlerContext ctx, PeerException cause) {
    if (state == State.FAILED) {
      return;
    }
    state = State.FAILED;
    releaseCumulation();
    ctx.fireExceptionCaught(cause);
    ctx.close();
  }

  private void releaseCumulation() {
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
  }
}
