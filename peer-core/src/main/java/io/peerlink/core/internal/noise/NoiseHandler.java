package io.peerlink.core.internal.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CoalescingBufferQueue;
import io.netty.channel.PendingWriteQueue;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.UnsupportedMessageTypeException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.HandshakeException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.security.SecureSession;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * libp2p's {@code /noise} security handler: runs the Noise XX handshake on a raw connection, then
 * encrypts and decrypts the connection's bytes.
 *
 * <p><b>Install</b> it on the connection's pipeline once multistream-select has agreed on
 * {@code /noise}, in place of the multistream handler; hand it any bytes that arrived after the
 * multistream answer by firing them through it. The handshake starts when the handler is added to
 * an active channel (or when the channel becomes active). The dialer is the initiator and should
 * pass the peer ID it dialed as {@code expectedRemote}.
 *
 * <p><b>Events.</b> When the remote is authenticated the handler fires a {@link SecureSession} user
 * event ({@code securityProtocol = "/noise"}, {@code earlyMuxer} = the muxer agreed in the
 * handshake or null, see {@link EarlyMuxerNegotiation}). From then on it passes decrypted
 * {@link ByteBuf}s up (the receiver releases them) and encrypts the {@code ByteBuf}s written to it
 * (it releases them). Writes are encrypted when flushed, all writes since the last flush packed
 * into as few messages as fit, so small writes (a yamux header, then its payload) do not each cost
 * a message, a tag and a cipher initialisation. Writes made before the event are held and sent, in
 * order, right after the handshake; bytes the remote sent right behind its last handshake message
 * are delivered after the event.
 *
 * <p><b>Failures.</b> Any handshake failure (short or malformed message, failed decryption, bad
 * signature, unexpected peer, the connection closing) fires {@code exceptionCaught} with a
 * {@link HandshakeException}; a handshake that outlives {@code handshakeTimeout} fires a
 * {@link PeerTimeoutException}. A frame that fails authentication after the handshake fires a
 * {@link ProtocolViolationException}. In every case the channel is closed, held writes fail and all
 * buffers are released.
 *
 * <p>Wire format, during and after the handshake: {@code u16 big-endian length || noise message};
 * transport messages carry at most {@value #MAX_PLAINTEXT} plaintext bytes. Not sharable: one
 * instance per connection.
 */
public final class NoiseHandler extends ChannelDuplexHandler {
  /** The multistream-select protocol ID. */
  public static final String PROTOCOL_ID = "/noise";

  /** Largest Noise message, bounded by the u16 length prefix. */
  public static final int MAX_MESSAGE = HandshakeState.MAX_MESSAGE_LENGTH;

  /** Largest plaintext per transport message: 65535 minus the 16-byte tag. */
  public static final int MAX_PLAINTEXT = MAX_MESSAGE - ChaChaPolyAead.TAG_LENGTH;

  private static final int LENGTH_PREFIX = TransportCipher.LENGTH_PREFIX;
  private static final int TAG = ChaChaPolyAead.TAG_LENGTH;

  private enum State { NEW, HANDSHAKE, TRANSPORT, FAILED }

  private final Identity identity;
  private final boolean initiator;
  private final PeerId expectedRemote;
  private final List<String> localMuxers;
  private final Duration handshakeTimeout;
  private final HandshakeState handshake;

  private State state = State.NEW;
  private ByteBuf cumulation;
  private PendingWriteQueue heldWrites;
  /** Plaintext written since the last flush; encrypted at flush into full-sized messages. */
  private CoalescingBufferQueue unflushed;
  private boolean flushHeld;
  private ScheduledFuture<?> timeout;
  private NoiseHandshakePayloads.RemoteIdentity remote;
  private TransportCipher sender;
  private TransportCipher receiver;

  /**
   * Creates the handler for one connection, with a fresh static X25519 key.
   *
   * @param identity this peer's identity; signs the static key
   * @param initiator true on the dialing side
   * @param expectedRemote the peer the initiator dialed, checked before message 3; null to accept
   *     any peer (the responder's normal case)
   * @param localMuxers muxer protocol IDs to offer in the handshake, in preference order, e.g.
   *     {@code ["/yamux/1.0.0"]}; empty to leave muxer negotiation to multistream-select
   * @param handshakeTimeout how long the whole handshake may take
   */
  public NoiseHandler(Identity identity, boolean initiator, PeerId expectedRemote,
      List<String> localMuxers, Duration handshakeTimeout) {
    this(identity, initiator, expectedRemote, localMuxers, handshakeTimeout,
        ChaChaPolyProvider.defaultProvider());
  }

  NoiseHandler(Identity identity, boolean initiator, PeerId expectedRemote,
      List<String> localMuxers, Duration handshakeTimeout, ChaChaPolyProvider provider) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.initiator = initiator;
    this.expectedRemote = expectedRemote;
    this.localMuxers = List.copyOf(localMuxers);
    this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
    }
    // A fresh static key per connection: nothing to store, and sessions are unlinkable.
    this.handshake = new HandshakeState(initiator, X25519.generate(), new byte[0], provider);
  }

  /** The authenticated session, once the handshake finished; null before. */
  public SecureSession session() {
    return state == State.TRANSPORT ? newSession() : null;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    heldWrites = new PendingWriteQueue(ctx);
    // Counted as pending outbound bytes, so channel writability still sees what waits here.
    unflushed = new CoalescingBufferQueue(ctx.channel(), 16, true);
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
    state = State.HANDSHAKE;
    timeout = ctx.executor().schedule(
        () -> fail(ctx, new PeerTimeoutException(
            "noise handshake did not finish within " + handshakeTimeout.toMillis() + " ms")),
        handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    if (initiator) {
      // Message 1 carries no payload: the initiator must not reveal anything unencrypted.
      sendHandshakeMessage(ctx, new byte[0]);
    }
  }

  // ---------------------------------------------------------------- inbound

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ReferenceCountUtil.release(msg);
      fail(ctx, new ProtocolViolationException("noise: unexpected inbound " + msg.getClass().getName()));
      return;
    }
    if (state == State.FAILED) {
      in.release();
      return;
    }
    // Composite, not merged: a 64 KiB message nearly always straddles two reads, and merging
    // would copy every byte once more (and again when compacting) before the decrypt copies it.
    cumulation = cumulation == null ? in
        : ByteToMessageDecoder.COMPOSITE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
    if (state == State.NEW) {
      return; // not active yet; start() comes with channelActive
    }
    try {
      if (state == State.HANDSHAKE) {
        readHandshake(ctx);
      }
      if (state == State.TRANSPORT) {
        readTransport(ctx);
      }
    } finally {
      discardConsumed();
    }
  }

  private void readHandshake(ChannelHandlerContext ctx) {
    while (state == State.HANDSHAKE && !handshake.isMyTurn()) {
      byte[] message = nextHandshakeMessage();
      if (message == null) {
        return;
      }
      try {
        byte[] payload = handshake.readMessage(message);
        if (initiator) {
          remote = NoiseHandshakePayloads.verify(payload, handshake.remoteStaticPublicKey());
          checkExpectedPeer();
          // Only now, with the responder proven, reveal our identity in message 3.
          sendHandshakeMessage(ctx, localPayload());
        } else if (handshake.isComplete()) {
          remote = NoiseHandshakePayloads.verify(payload, handshake.remoteStaticPublicKey());
        } else {
          // Message 1's payload is unauthenticated and must be empty by spec; ignore it.
          sendHandshakeMessage(ctx, localPayload());
        }
      } catch (HandshakeException e) {
        fail(ctx, e);
        return;
      }
      if (handshake.isComplete() && state == State.HANDSHAKE) {
        finishHandshake(ctx);
      }
    }
  }

  /** The next complete handshake message, or null if more bytes are needed. */
  private byte[] nextHandshakeMessage() {
    if (cumulation == null || cumulation.readableBytes() < LENGTH_PREFIX) {
      return null;
    }
    // The u16 prefix itself bounds a message to 65535 bytes, so buffering is bounded too.
    int len = cumulation.getUnsignedShort(cumulation.readerIndex());
    if (cumulation.readableBytes() < LENGTH_PREFIX + len) {
      return null;
    }
    cumulation.skipBytes(LENGTH_PREFIX);
    byte[] message = new byte[len];
    cumulation.readBytes(message);
    return message;
  }

  private void checkExpectedPeer() throws HandshakeException {
    if (expectedRemote != null && !Arrays.equals(expectedRemote.bytes(), remote.peerId().bytes())) {
      throw new HandshakeException(
          "noise: expected peer " + expectedRemote + " but remote proved " + remote.peerId());
    }
  }

  private byte[] localPayload() {
    return NoiseHandshakePayloads.encode(identity, handshake.localStaticPublicKey(), localMuxers);
  }

  private void finishHandshake(ChannelHandlerContext ctx) {
    if (timeout != null) {
      timeout.cancel(false);
    }
    sender = new TransportCipher(handshake.sender());
    receiver = new TransportCipher(handshake.receiver());
    state = State.TRANSPORT;
    // Writes held during the handshake go first, so anything written in reaction to the event
    // below lands after them.
    while (!heldWrites.isEmpty() && state == State.TRANSPORT) {
      // remove() releases the message, so keep our own reference for the encryption below.
      Object msg = ReferenceCountUtil.retain(heldWrites.current());
      ChannelPromise promise = heldWrites.remove();
      unflushed.add((ByteBuf) msg, promise);
    }
    if (flushHeld && state == State.TRANSPORT) {
      flushHeld = false;
      flush(ctx);
    }
    if (state == State.TRANSPORT) {
      ctx.fireUserEventTriggered(newSession());
    }
  }

  private SecureSession newSession() {
    String muxer = initiator
        ? EarlyMuxerNegotiation.select(localMuxers, remote.muxers())
        : EarlyMuxerNegotiation.select(remote.muxers(), localMuxers);
    return new SecureSession(remote.peerId(), remote.key(), PROTOCOL_ID, muxer);
  }

  /**
   * Decrypts every complete frame in the cumulation into one pooled buffer and passes it up: one
   * decryption per frame, one {@code channelRead} per read.
   */
  private void readTransport(ChannelHandlerContext ctx) {
    if (cumulation == null) {
      return;
    }
    int start = cumulation.readerIndex();
    int end = cumulation.writerIndex();
    int idx = start;
    int plaintext = 0;
    while (end - idx >= LENGTH_PREFIX) {
      int len = cumulation.getUnsignedShort(idx);
      if (len < TAG) {
        fail(ctx, new ProtocolViolationException(
            "noise: transport message of " + len + " bytes is shorter than its tag"));
        return;
      }
      if (end - idx - LENGTH_PREFIX < len) {
        break;
      }
      plaintext += len - TAG;
      idx += LENGTH_PREFIX + len;
    }
    if (idx == start) {
      return;
    }
    ByteBuf out = ctx.alloc().buffer(plaintext);
    try {
      int i = start;
      while (i < idx) {
        int len = cumulation.getUnsignedShort(i);
        receiver.decryptMessage(cumulation, i + LENGTH_PREFIX, len, out);
        i += LENGTH_PREFIX + len;
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      out.release(); // and the message stays unread: the connection is failing anyway
      fail(ctx, new ProtocolViolationException("noise: transport message failed to decrypt: " + e, e));
      return;
    }
    cumulation.readerIndex(idx);
    if (out.isReadable()) {
      ctx.fireChannelRead(out);
    } else {
      out.release(); // only empty messages: nothing to deliver
    }
  }

  private void discardConsumed() {
    if (cumulation != null && !cumulation.isReadable()) {
      cumulation.release();
      cumulation = null;
    } else if (cumulation != null && cumulation.readerIndex() > MAX_MESSAGE) {
      cumulation.discardSomeReadBytes();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state == State.HANDSHAKE || state == State.NEW) {
      fail(ctx, new HandshakeException("noise: connection closed during the handshake"));
    }
    releaseAll(new HandshakeException("noise: connection closed"));
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseAll(new IllegalStateException("noise handler removed"));
  }

  // ---------------------------------------------------------------- outbound

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf)) {
      ReferenceCountUtil.release(msg);
      // Passing it on would put plaintext on the wire.
      promise.setFailure(new UnsupportedMessageTypeException(msg, ByteBuf.class));
      return;
    }
    switch (state) {
      case NEW, HANDSHAKE -> heldWrites.add(msg, promise);
      case TRANSPORT -> unflushed.add((ByteBuf) msg, promise);
      default -> {
        ReferenceCountUtil.release(msg);
        promise.setFailure(new HandshakeException("noise: connection failed"));
      }
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (state == State.TRANSPORT) {
      encryptUnflushed(ctx);
      ctx.flush();
    } else {
      flushHeld = true; // the caller's flush applies to its held writes
    }
  }

  /**
   * Encrypts everything written since the last flush as a run of full messages: each takes up to
   * {@value #MAX_PLAINTEXT} bytes across as many writes as fit (a yamux header and its payload
   * share one message) into one pooled buffer. A write's promise completes with the message that
   * carries its last byte.
   */
  private void encryptUnflushed(ChannelHandlerContext ctx) {
    while (state == State.TRANSPORT && !unflushed.isEmpty()) {
      ChannelPromise promise = ctx.newPromise();
      ByteBuf plain = unflushed.remove(ctx.alloc(), MAX_PLAINTEXT, promise);
      int len = plain.readableBytes();
      if (len == 0) {
        plain.release();
        ctx.write(Unpooled.EMPTY_BUFFER, promise); // keeps the promises of empty writes in order
        continue;
      }
      ByteBuf out = ctx.alloc().buffer(LENGTH_PREFIX + len + TAG);
      try {
        sender.encryptMessage(plain, out);
      } catch (GeneralSecurityException | RuntimeException e) {
        out.release();
        ProtocolViolationException failure =
            new ProtocolViolationException("noise: cannot encrypt: " + e, e);
        promise.setFailure(failure);
        fail(ctx, failure);
        return;
      } finally {
        plain.release();
      }
      ctx.write(out, promise);
    }
  }

  private void sendHandshakeMessage(ChannelHandlerContext ctx, byte[] payload) {
    byte[] message;
    try {
      message = handshake.writeMessage(payload);
    } catch (HandshakeException e) {
      fail(ctx, e);
      return;
    }
    ByteBuf frame = ctx.alloc().buffer(LENGTH_PREFIX + message.length);
    frame.writeShort(message.length).writeBytes(message);
    ctx.writeAndFlush(frame).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        fail(ctx, new HandshakeException("noise: cannot send handshake message: " + f.cause(), f.cause()));
      }
    });
  }

  // ---------------------------------------------------------------- failure

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.fireExceptionCaught(cause);
  }

  /** The one failure path: report once, close, release everything. */
  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (state == State.FAILED) {
      return;
    }
    state = State.FAILED;
    releaseAll(cause);
    ctx.fireExceptionCaught(cause);
    ctx.close();
  }

  private void releaseAll(Throwable cause) {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
    if (heldWrites != null && !heldWrites.isEmpty()) {
      heldWrites.removeAndFailAll(cause);
    }
    if (unflushed != null && !unflushed.isEmpty()) {
      unflushed.releaseAndFailAll(cause);
    }
  }
}
