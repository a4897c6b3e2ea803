package io.peerlink.core.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.UnsupportedMessageTypeException;
import io.peerlink.core.HandshakeException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.proto.NoiseProtos;
import io.peerlink.core.internal.security.SecureSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link NoiseHandler} on two {@link EmbeddedChannel}s wired back to back, and against a scripted peer. */
class NoiseHandlerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final List<String> YAMUX = List.of("/yamux/1.0.0");

  private final Identity initiatorId = Identity.generate();
  private final Identity responderId = Identity.generate();
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final List<NoiseRecorder> recorders = new ArrayList<>();

  @AfterEach
  void releaseEverything() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
    for (NoiseRecorder r : recorders) {
      r.received.release();
    }
  }

  // ------------------------------------------------------------------ handshake

  @Test
  void handshakeAuthenticatesBothPeers() throws Exception {
    Peer init = initiator(responderId.peerId(), YAMUX);
    Peer resp = responder(YAMUX);
    pump(init.ch, resp.ch);

    SecureSession a = init.rec.session.getNow(null);
    SecureSession b = resp.rec.session.getNow(null);
    assertThat(a).isNotNull();
    assertThat(b).isNotNull();
    assertThat(a.remotePeerId().bytes()).isEqualTo(responderId.peerId().bytes());
    assertThat(b.remotePeerId().bytes()).isEqualTo(initiatorId.peerId().bytes());
    assertThat(a.remoteKey().marshal()).isEqualTo(responderId.publicKey().marshal());
    assertThat(b.remoteKey().marshal()).isEqualTo(initiatorId.publicKey().marshal());
    assertThat(a.securityProtocol()).isEqualTo("/noise");
    assertThat(a.earlyMuxer()).isEqualTo("/yamux/1.0.0");
    assertThat(b.earlyMuxer()).isEqualTo("/yamux/1.0.0");
    assertThat(init.handler.session()).isEqualTo(a);
    assertThat(init.rec.failure).isNotDone();
    assertThat(resp.rec.failure).isNotDone();
  }

  @Test
  void responderAcceptsAnyPeerAndInitiatorMayNotExpectOne() {
    Peer init = initiator(null, List.of());
    Peer resp = responder(List.of());
    pump(init.ch, resp.ch);
    assertThat(init.rec.session.getNow(null).remotePeerId().bytes())
        .isEqualTo(responderId.peerId().bytes());
    assertThat(resp.rec.session.getNow(null).earlyMuxer()).isNull();
  }

  static List<Arguments> muxerCases() {
    return List.of(
        Arguments.of(YAMUX, YAMUX, "/yamux/1.0.0"),
        Arguments.of(List.of(), YAMUX, null),
        Arguments.of(YAMUX, List.of(), null),
        Arguments.of(List.of("/mplex/6.7.0"), YAMUX, null),
        // The initiator's order wins, whatever the responder prefers.
        Arguments.of(List.of("/mplex/6.7.0", "/yamux/1.0.0"), List.of("/yamux/1.0.0", "/mplex/6.7.0"),
            "/mplex/6.7.0"),
        Arguments.of(List.of("/x/1", "/yamux/1.0.0"), List.of("/yamux/1.0.0"), "/yamux/1.0.0"));
  }

  @ParameterizedTest
  @MethodSource("muxerCases")
  void earlyMuxerSelection(List<String> initiatorMuxers, List<String> responderMuxers, String expected) {
    Peer init = initiator(responderId.peerId(), initiatorMuxers);
    Peer resp = responder(responderMuxers);
    pump(init.ch, resp.ch);
    assertThat(init.rec.session.getNow(null).earlyMuxer()).isEqualTo(expected);
    assertThat(resp.rec.session.getNow(null).earlyMuxer()).isEqualTo(expected);
  }

  @Test
  void wrongExpectedPeerFailsBeforeMessage3() {
    PeerId someoneElse = Identity.generate().peerId();
    Peer init = initiator(someoneElse, YAMUX);
    Peer resp = responder(YAMUX);
    pump(init.ch, resp.ch);
    Throwable t = init.rec.failure.getNow(null);
    assertThat(t).isInstanceOf(HandshakeException.class)
        .hasMessageContaining("expected peer " + someoneElse)
        .hasMessageContaining("but remote proved " + responderId.peerId());
    assertThat(init.ch.isOpen()).isFalse();
    assertThat(init.rec.session).isNotDone();
    // The initiator never revealed itself: the responder saw only message 1, then a close.
    assertThat(resp.rec.session).isNotDone();
  }

  @Test
  void handshakeTimesOut() {
    EmbeddedChannel ch = new EmbeddedChannel();
    channels.add(ch);
    ch.freezeTime();
    NoiseRecorder rec = recorder();
    ch.pipeline().addLast(new NoiseHandler(initiatorId, true, null, YAMUX, Duration.ofSeconds(5)), rec);
    ByteBuf m1 = ch.readOutbound();
    m1.release();
    ch.advanceTimeBy(4, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(rec.failure).isNotDone();
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(rec.failure.getNow(null)).isInstanceOf(PeerTimeoutException.class);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void closeDuringHandshakeFailsAndReleasesPartialMessage() {
    Peer resp = responder(YAMUX);
    // Announces a 65535-byte message, sends 100 bytes of it, then goes away.
    ByteBuf partial = Unpooled.buffer().writeShort(0xFFFF).writeZero(100);
    resp.ch.writeInbound(partial);
    assertThat(resp.rec.failure).isNotDone();
    resp.ch.close();
    assertThat(resp.rec.failure.getNow(null)).isInstanceOf(HandshakeException.class)
        .hasMessageContaining("closed");
  }

  // ------------------------------------------------------------------ malformed handshakes

  @Test
  void message1TooShort() {
    Peer resp = responder(YAMUX);
    resp.ch.writeInbound(frame(new byte[10]));
    assertHandshakeFailure(resp, "needs at least 32");
  }

  @Test
  void emptyHandshakeMessage() {
    Peer resp = responder(YAMUX);
    resp.ch.writeInbound(frame(new byte[0]));
    assertHandshakeFailure(resp, "0 bytes");
  }

  @Test
  void message2TooShort() {
    Peer init = initiator(responderId.peerId(), YAMUX);
    release(init.ch.readOutbound());
    init.ch.writeInbound(frame(new byte[32 + 48 + 15]));
    assertHandshakeFailure(init, "needs at least 96");
  }

  @Test
  void corruptedMessage2() {
    Peer init = initiator(responderId.peerId(), YAMUX);
    Peer resp = responder(YAMUX);
    transfer(init.ch, resp.ch); // message 1
    transferMutated(resp.ch, init.ch, body -> {
      body[40] ^= 0x01; // inside the encrypted static key
      return body;
    });
    assertHandshakeFailure(init, "cannot read handshake message 2");
  }

  @Test
  void corruptedMessage3() {
    Peer init = initiator(responderId.peerId(), YAMUX);
    Peer resp = responder(YAMUX);
    transfer(init.ch, resp.ch);
    transfer(resp.ch, init.ch);
    transferMutated(init.ch, resp.ch, body -> {
      body[body.length - 1] ^= 0x01; // the payload's tag
      return body;
    });
    assertHandshakeFailure(resp, "cannot read handshake message 3");
  }

  @Test
  void badIdentitySignature() throws Exception {
    // Signs a static key other than the one it sends.
    byte[] payload = NoiseHandshakePayloads.encode(responderId, X25519.generate().publicKey(), YAMUX);
    Peer init = scriptedResponder(payload);
    assertHandshakeFailure(init, "does not verify");
  }

  @Test
  void garbagePayloadProtobuf() throws Exception {
    Peer init = scriptedResponder(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});
    assertHandshakeFailure(init, "malformed handshake payload");
  }

  @Test
  void payloadWithoutIdentity() throws Exception {
    Peer init = scriptedResponder(new byte[0]);
    assertHandshakeFailure(init, "lacks identity_key");
  }

  @Test
  void undecodableIdentityKey() throws Exception {
    byte[] payload = NoiseProtos.NoiseHandshakePayload.newBuilder()
        .setIdentityKey(ByteString.copyFrom(new byte[] {0x08, 0x09, 0x12, 0x01, 0x00}))
        .setIdentitySig(ByteString.copyFrom(new byte[64]))
        .build().toByteArray();
    Peer init = scriptedResponder(payload);
    assertHandshakeFailure(init, "identity key");
  }

  // ------------------------------------------------------------------ transport

  @Test
  void dataFlowsBothWaysAndLargeWritesAreSplit() {
    Peer init = initiator(responderId.peerId(), YAMUX);
    Peer resp = responder(YAMUX);
    pump(init.ch, resp.ch);

    byte[] big = random(1 << 20);
    init.ch.writeAndFlush(Unpooled.wrappedBuffer(big));
    // 17 messages, each in its own pooled buffer: 16 full ones and a 16-byte tail.
    CompositeByteBuf wire = Unpooled.compositeBuffer(64);
    List<Integer> lengths = new ArrayList<>();
    for (ByteBuf b; (b = init.ch.readOutbound()) != null; ) {
      lengths.add(b.getUnsignedShort(b.readerIndex()));
      assertThat(b.readableBytes()).isEqualTo(2 + lengths.get(lengths.size() - 1));
      wire.addComponent(true, b);
    }
    assertThat(lengths).hasSize(17);
    assertThat(lengths.subList(0, 16)).containsOnly(65535);
    assertThat(lengths.get(16)).isEqualTo((1 << 20) - 16 * 65519 + 16);
    resp.ch.writeInbound(wire);
    assertThat(resp.rec.receivedBytes()).isEqualTo(big);
    assertThat(resp.rec.reads).isEqualTo(1); // all 17 frames decrypted into one buffer

    byte[] reply = random(1000);
    resp.ch.writeAndFlush(Unpooled.wrappedBuffer(reply));
    pump(init.ch, resp.ch);
    assertThat(init.rec.receivedBytes()).isEqualTo(reply);
  }

  @Test
  void frameSplitAcrossReadsIsReassembled() {
    Peer init = initiator(responderId.peerId(), YAMUX);
    Peer resp = responder(YAMUX);
    pump(init.ch, resp.ch);
    byte[] data = random(100_000);
    init.ch.writeAndFlush(Unpooled.wrappedBuffer(data));
    CompositeByteBuf wire = Unpooled.compositeBuffer();
    for (ByteBuf b; (b = init.ch.readOutbound()) != null; ) {
      wire.addComponent(true, b);
    }
    while (wire.isReadable()) {
      resp.ch.writeInbound(wire.readRetainedSlice(Math.min(777, wire.readableBytes())));
    }
    wire.release();
    assertThat(resp.rec.receivedBytes()).isEqualTo(data);
  }

  @Test
  void writesBetweenFlushesShareFullMessages() {
    Peer init = initiator(responderId.peerId(), YAMUX);
    Peer resp = responder(YAMUX);
    pump(init.ch, resp.ch);
    // As yamux writes: a 12-byte header, then its payload, many times before one flush.
    byte[] data = random(200_000);
    List<ChannelFuture> writes = new ArrayList<>();
    for (int off = 0; off < data.length; ) {
      int n = Math.min(off % 3 == 0 ? 12 : 5_000, data.length - off);
      ByteBuf part = off % 2 == 0 ? Unpooled.directBuffer(n).writeBytes(data, off, n)
          : Unpooled.wrappedBuffer(data, off, n);
      writes.add(init.ch.write(part));
      off += n;
    }
    assertThat(init.ch.<ByteBuf>readOutbound()).isNull(); // nothing leaves before the flush
    init.ch.flush();
    List<Integer> lengths = new ArrayList<>();
    CompositeByteBuf wire = Unpooled.compositeBuffer(64);
    for (ByteBuf b; (b = init.ch.readOutbound()) != null; ) {
      lengths.add(b.getUnsignedShort(b.readerIndex()));
      wire.addComponent(true, b);
    }
    // Full messages, whatever the size of the writes: ceil(200000 / 65519) of them.
    assertThat(lengths).hasSize(4);
    assertThat(lengths.subList(0, 3)).containsOnly(65535);
    assertThat(writes).allMatch(ChannelFuture::isSuccess);
    resp.ch.writeInbound(wire);
    assertThat(resp.rec.receivedBytes()).isEqualTo(data);
  }

  @Test
  void compositeWritesAreEncryptedWithoutMerging() {
    Peer init = initiator(responderId.peerId(), YAMUX);
    Peer resp = responder(YAMUX);
    pump(init.ch, resp.ch);
    byte[] a = random(12);
    byte[] b = random(70_000);
    CompositeByteBuf composite = Unpooled.compositeBuffer();
    composite.addComponents(true, Unpooled.directBuffer().writeBytes(a), Unpooled.wrappedBuffer(b));
    init.ch.writeAndFlush(composite);
    pump(init.ch, resp.ch);
    byte[] expected = new byte[a.length + b.length];
    System.arraycopy(a, 0, expected, 0, a.length);
    System.arraycopy(b, 0, expected, a.length, b.length);
    assertThat(resp.rec.receivedBytes()).isEqualTo(expected);
  }

  @Test
  void writesBeforeTheHandshakeAreHeldAndSentInOrder() {
    Peer init = initiator(responderId.peerId(), YAMUX);
    Peer resp = responder(YAMUX);
    ChannelFuture first = init.ch.write(Unpooled.wrappedBuffer(new byte[] {1, 2}));
    ChannelFuture second = init.ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {3}));
    assertThat(first.isDone()).isFalse();
    pump(init.ch, resp.ch);
    assertThat(first.isSuccess()).isTrue();
    assertThat(second.isSuccess()).isTrue();
    assertThat(resp.rec.receivedBytes()).containsExactly(1, 2, 3);
  }

  @Test
  void dataPipelinedBehindMessage3IsDeliveredAfterTheSession() {
    Peer init = initiator(responderId.peerId(), YAMUX);
    Peer resp = responder(YAMUX);
    transfer(init.ch, resp.ch);
    transfer(resp.ch, init.ch);
    // The initiator finished; it writes at once, so message 3 and data leave together.
    assertThat(init.rec.session).isDone();
    byte[] early = random(5000);
    init.ch.writeAndFlush(Unpooled.wrappedBuffer(early));
    CompositeByteBuf all = Unpooled.compositeBuffer();
    for (ByteBuf b; (b = init.ch.readOutbound()) != null; ) {
      all.addComponent(true, b);
    }
    resp.ch.writeInbound(all);
    assertThat(resp.rec.order).containsExactly("session", "data");
    assertThat(resp.rec.receivedBytes()).isEqualTo(early);
  }

  @Test
  void corruptedTransportFrameFailsTheConnection() {
    Peer init = initiator(responderId.peerId(), YAMUX);
    Peer resp = responder(YAMUX);
    pump(init.ch, resp.ch);
    init.ch.writeAndFlush(Unpooled.wrappedBuffer(random(300)));
    transferMutated(init.ch, resp.ch, body -> {
      body[7] ^= 0x40;
      return body;
    });
    assertThat(resp.rec.failure.getNow(null)).isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("decrypt");
    assertThat(resp.ch.isOpen()).isFalse();
    assertThat(resp.rec.receivedBytes()).isEmpty();
  }

  @Test
  void transportFrameShorterThanItsTagFails() {
    Peer init = initiator(responderId.peerId(), YAMUX);
    Peer resp = responder(YAMUX);
    pump(init.ch, resp.ch);
    resp.ch.writeInbound(frame(new byte[15]));
    assertThat(resp.rec.failure.getNow(null)).isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("shorter than its tag");
    assertThat(resp.ch.isOpen()).isFalse();
  }

  @Test
  void writesAfterFailureAreRefused() {
    Peer resp = responder(YAMUX);
    resp.ch.writeInbound(frame(new byte[3]));
    ChannelFuture f = resp.ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
    assertThat(f.isSuccess()).isFalse();
  }

  @Test
  void heldWritesFailWhenTheHandshakeFails() {
    Peer init = initiator(responderId.peerId(), YAMUX);
    ChannelFuture held = init.ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
    release(init.ch.readOutbound()); // message 1
    init.ch.writeInbound(frame(new byte[5]));
    assertThat(held.isDone()).isTrue();
    assertThat(held.cause()).isInstanceOf(HandshakeException.class);
  }

  @Test
  void nonBufferWritesAreRefused() {
    Peer init = initiator(responderId.peerId(), YAMUX);
    Peer resp = responder(YAMUX);
    pump(init.ch, resp.ch);
    ChannelFuture f = init.ch.writeAndFlush("plaintext");
    assertThat(f.cause()).isInstanceOf(UnsupportedMessageTypeException.class);
    assertThat(init.ch.<Object>readOutbound()).isNull();
  }

  // ------------------------------------------------------------------ helpers

  private record Peer(EmbeddedChannel ch, NoiseHandler handler, NoiseRecorder rec) {}

  private Peer initiator(PeerId expected, List<String> muxers) {
    return peer(new NoiseHandler(initiatorId, true, expected, muxers, TIMEOUT));
  }

  private Peer responder(List<String> muxers) {
    return peer(new NoiseHandler(responderId, false, null, muxers, TIMEOUT));
  }

  private Peer peer(NoiseHandler handler) {
    NoiseRecorder rec = recorder();
    EmbeddedChannel ch = new EmbeddedChannel(handler, rec);
    channels.add(ch);
    return new Peer(ch, handler, rec);
  }

  private NoiseRecorder recorder() {
    NoiseRecorder rec = new NoiseRecorder();
    recorders.add(rec);
    return rec;
  }

  /** An initiator facing a hand-driven responder whose message 2 carries {@code payload}. */
  private Peer scriptedResponder(byte[] payload) throws Exception {
    Peer init = initiator(responderId.peerId(), YAMUX);
    HandshakeState fake = new HandshakeState(false, X25519.generate(), new byte[0],
        ChaChaPolyProvider.defaultProvider());
    fake.readMessage(body(init.ch.readOutbound()));
    init.ch.writeInbound(frame(fake.writeMessage(payload)));
    return init;
  }

  private static void assertHandshakeFailure(Peer p, String message) {
    assertThat(p.rec.failure.getNow(null)).isInstanceOf(HandshakeException.class)
        .hasMessageContaining(message);
    assertThat(p.ch.isOpen()).isFalse();
    assertThat(p.rec.session).isNotDone();
  }

  static void pump(EmbeddedChannel a, EmbeddedChannel b) {
    while (transfer(a, b) | transfer(b, a)) {
      // keep moving bytes until both sides are quiet
    }
  }

  static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
    boolean moved = false;
    for (ByteBuf b; (b = from.readOutbound()) != null; ) {
      moved = true;
      if (to.isOpen()) {
        to.writeInbound(b);
      } else {
        b.release();
      }
    }
    return moved;
  }

  /** Moves the next frame, rewritten by {@code mutate}. */
  private static void transferMutated(EmbeddedChannel from, EmbeddedChannel to, UnaryOperator<byte[]> mutate) {
    ByteBuf b = from.readOutbound();
    to.writeInbound(frame(mutate.apply(body(b))));
  }

  /** The message inside a single-frame buffer; releases the buffer. */
  private static byte[] body(ByteBuf frame) {
    try {
      int len = frame.readUnsignedShort();
      assertThat(frame.readableBytes()).isEqualTo(len);
      byte[] body = new byte[len];
      frame.readBytes(body);
      return body;
    } finally {
      frame.release();
    }
  }

  private static ByteBuf frame(byte[] body) {
    return Unpooled.buffer(2 + body.length).writeShort(body.length).writeBytes(body);
  }

  private static void release(ByteBuf b) {
    if (b != null) {
      b.release();
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }
}
