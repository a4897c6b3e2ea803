package io.peerlink.core.internal.plaintext;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerlink.core.HandshakeException;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.Varint;
import io.peerlink.core.internal.proto.PlaintextProtos.Exchange;
import io.peerlink.core.internal.security.SecureSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link PlaintextHandler} on two {@link EmbeddedChannel}s back to back, and against scripted bad input. */
class PlaintextHandlerTest {
  private final Identity dialerId = Identity.generate();
  private final Identity listenerId = Identity.generate();
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void releaseEverything() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void bothSidesLearnTheOthersIdAndKeyThenBytesPassUntouched() {
    Side dialer = side(dialerId, listenerId.peerId());
    Side listener = side(listenerId, null);
    // The dialer's first bytes after its exchange (its muxer proposal) arrive in the same read.
    ByteBuf dialerOut = dialer.ch.readOutbound();
    listener.ch.writeInbound(Unpooled.wrappedBuffer(dialerOut,
        Unpooled.copiedBuffer("after", StandardCharsets.UTF_8)));
    dialer.ch.writeInbound((ByteBuf) listener.ch.readOutbound());

    SecureSession a = dialer.rec.session;
    SecureSession b = listener.rec.session;
    assertThat(a.remotePeerId()).isEqualTo(listenerId.peerId());
    assertThat(a.remoteKey().marshal()).isEqualTo(listenerId.publicKey().marshal());
    assertThat(b.remotePeerId()).isEqualTo(dialerId.peerId());
    assertThat(a.securityProtocol()).isEqualTo("/plaintext/2.0.0");
    assertThat(a.earlyMuxer()).isNull();
    assertThat(listener.rec.order).containsExactly("session", "data:after");
    assertThat(dialer.ch.pipeline().get(PlaintextHandler.class)).isNull();
    assertThat(listener.ch.pipeline().get(PlaintextHandler.class)).isNull();

    dialer.ch.writeOutbound(Unpooled.copiedBuffer("as is", StandardCharsets.UTF_8));
    ByteBuf wire = dialer.ch.readOutbound();
    assertThat(wire.toString(StandardCharsets.UTF_8)).isEqualTo("as is");
    wire.release();
  }

  @Test
  void anExchangeArrivingOneByteAtATimeIsAssembled() {
    Side listener = side(listenerId, null);
    byte[] exchange = frame(exchange(dialerId.peerId(), dialerId));
    for (byte b : exchange) {
      listener.ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    assertThat(listener.rec.session.remotePeerId()).isEqualTo(dialerId.peerId());
    assertThat(listener.rec.order).containsExactly("session");
  }

  @Test
  void aLengthOverTheBoundFailsBeforeTheBodyIsBuffered() {
    Side listener = side(listenerId, null);
    ByteBuf prefix = Unpooled.buffer();
    Varint.write(prefix, PlaintextHandler.MAX_EXCHANGE_BYTES + 1);
    listener.ch.writeInbound(prefix);
    assertThat(listener.rec.failure).isInstanceOf(LimitExceededException.class)
        .hasMessageContaining(String.valueOf(PlaintextHandler.MAX_EXCHANGE_BYTES));
    assertThat(listener.ch.isOpen()).isFalse();
    assertThat(listener.rec.session).isNull();
  }

  @Test
  void anIdTheKeyDoesNotDeriveIsRefused() {
    Side listener = side(listenerId, null);
    PeerId someoneElse = Identity.generate().peerId();
    listener.ch.writeInbound(Unpooled.wrappedBuffer(frame(exchange(someoneElse, dialerId))));
    assertThat(listener.rec.failure).isInstanceOf(HandshakeException.class)
        .hasMessageContaining("claims peer ID " + someoneElse)
        .hasMessageContaining("derives " + dialerId.peerId());
    assertThat(listener.ch.isOpen()).isFalse();
    assertThat(listener.rec.session).isNull();
  }

  @Test
  void theDialerRefusesAPeerOtherThanTheOneDialed() {
    PeerId dialed = Identity.generate().peerId();
    Side dialer = side(dialerId, dialed);
    dialer.ch.writeInbound(Unpooled.wrappedBuffer(frame(exchange(listenerId.peerId(), listenerId))));
    assertThat(dialer.rec.failure).isInstanceOf(HandshakeException.class)
        .hasMessageContaining("expected peer " + dialed)
        .hasMessageContaining(listenerId.peerId().toString());
    assertThat(dialer.ch.isOpen()).isFalse();
  }

  @Test
  void aMissingKeyOrGarbageIsRefused() {
    Side noKey = side(listenerId, null);
    noKey.ch.writeInbound(Unpooled.wrappedBuffer(frame(Exchange.newBuilder()
        .setId(ByteString.copyFrom(dialerId.peerId().bytes())).build().toByteArray())));
    assertThat(noKey.rec.failure).isInstanceOf(HandshakeException.class).hasMessageContaining("lacks");

    Side garbage = side(listenerId, null);
    garbage.ch.writeInbound(Unpooled.wrappedBuffer(frame(new byte[] {(byte) 0xff, 1, 2, 3})));
    assertThat(garbage.rec.failure).isInstanceOf(HandshakeException.class);

    Side badKey = side(listenerId, null);
    badKey.ch.writeInbound(Unpooled.wrappedBuffer(frame(Exchange.newBuilder()
        .setId(ByteString.copyFrom(dialerId.peerId().bytes()))
        .setPubkey(ByteString.copyFrom(new byte[] {8, 1, 18, 3, 1, 2, 3})).build().toByteArray())));
    assertThat(badKey.rec.failure).isInstanceOf(HandshakeException.class).hasMessageContaining("unusable");
  }

  @Test
  void aCloseDuringTheExchangeFailsIt() {
    Side listener = side(listenerId, null);
    listener.ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {10, 1}));
    listener.ch.close();
    assertThat(listener.rec.failure).isInstanceOf(HandshakeException.class).hasMessageContaining("closed");
  }

  private static byte[] exchange(PeerId claimed, Identity keyOf) {
    return Exchange.newBuilder()
        .setId(ByteString.copyFrom(claimed.bytes()))
        .setPubkey(ByteString.copyFrom(keyOf.publicKey().marshal()))
        .build().toByteArray();
  }

  private static byte[] frame(byte[] message) {
    byte[] prefix = Varint.encode(message.length);
    byte[] out = new byte[prefix.length + message.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(message, 0, out, prefix.length, message.length);
    return out;
  }

  private Side side(Identity id, PeerId expected) {
    Recorder rec = new Recorder();
    EmbeddedChannel ch = new EmbeddedChannel(new PlaintextHandler(id, expected), rec);
    channels.add(ch);
    return new Side(ch, rec);
  }

  private record Side(EmbeddedChannel ch, Recorder rec) {}

  /** Records the session, the first failure and what arrived after the exchange, in order. */
  private static final class Recorder extends ChannelInboundHandlerAdapter {
    final List<String> order = new ArrayList<>();
    SecureSession session;
    Throwable failure;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SecureSession s) {
        order.add("session");
        session = s;
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      order.add("data:" + buf.toString(StandardCharsets.UTF_8));
      buf.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (failure == null) {
        failure = cause;
      }
    }
  }
}
