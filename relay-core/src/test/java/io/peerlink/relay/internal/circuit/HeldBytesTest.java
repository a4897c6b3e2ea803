package io.peerlink.relay.internal.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The first bytes of a circuit, held until the client passes them on or the relay's splice drains them. */
class HeldBytesTest {

  /** What reaches the handlers behind {@link HeldBytes}: bytes as strings, and read batches. */
  static final class Sink extends ChannelInboundHandlerAdapter {
    final List<String> reads = new ArrayList<>();
    int batches;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      reads.add(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      batches++;
    }
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  private static EmbeddedChannel paused(HeldBytes held) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAutoRead(false);
    ch.pipeline().addLast(HeldBytes.NAME, held);
    return ch;
  }

  @Test
  void passOnHandsTheBytesOnInOrderRemovesItselfAndResumesReading() {
    HeldBytes held = new HeldBytes();
    EmbeddedChannel ch = paused(held);
    ch.writeInbound(ascii("/multistream"), ascii("/1.0.0\n"));
    Sink sink = new Sink();
    ch.pipeline().addLast(sink);
    assertThat(sink.reads).isEmpty();
    assertThat(sink.batches).as("read batches are swallowed while holding").isZero();

    held.passOn();

    assertThat(sink.reads).containsExactly("/multistream", "/1.0.0\n");
    assertThat(sink.batches).isEqualTo(1);
    assertThat(ch.pipeline().get(HeldBytes.class)).isNull();
    assertThat(ch.config().isAutoRead()).isTrue();
    ch.writeInbound(ascii("x"));
    assertThat(sink.reads).containsExactly("/multistream", "/1.0.0\n", "x");
    held.passOn(); // a second call, once removed, does nothing
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void passOnWithNothingHeldFiresNoReadBatch() {
    HeldBytes held = new HeldBytes();
    EmbeddedChannel ch = paused(held);
    Sink sink = new Sink();
    ch.pipeline().addLast(sink);
    held.passOn();
    assertThat(sink.reads).isEmpty();
    assertThat(sink.batches).isZero();
    assertThat(ch.config().isAutoRead()).isTrue();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void drainGivesTheBuffersToTheCaller() {
    HeldBytes held = new HeldBytes(100, null);
    EmbeddedChannel ch = paused(held);
    ByteBuf a = ascii("ab");
    ByteBuf b = ascii("cd");
    ch.writeInbound(a, b);
    List<ByteBuf> taken = held.drain();
    assertThat(taken).containsExactly(a, b);
    ch.pipeline().remove(held); // nothing left to release: the caller owns them
    assertThat(a.refCnt()).isEqualTo(1);
    assertThat(ByteBufUtil.getBytes(taken.get(0))).containsExactly('a', 'b');
    taken.forEach(ByteBuf::release);
    assertThat(held.drain()).isEmpty();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void crossingTheBoundReleasesEverythingAndClosesTheStream() {
    HeldBytes held = new HeldBytes(4, null);
    EmbeddedChannel ch = paused(held);
    ByteBuf a = ascii("abc");
    ByteBuf b = ascii("de");
    ch.writeInbound(a);
    assertThat(ch.isOpen()).isTrue();
    ch.writeInbound(b);
    assertThat(ch.isOpen()).isFalse();
    assertThat(a.refCnt()).isZero();
    assertThat(b.refCnt()).isZero();
    assertThat(held.drain()).isEmpty();
  }

  @Test
  void exactlyTheBoundIsStillHeld() {
    HeldBytes held = new HeldBytes(4, null);
    EmbeddedChannel ch = paused(held);
    ch.writeInbound(ascii("abcd"));
    assertThat(ch.isOpen()).isTrue();
    held.drain().forEach(ByteBuf::release);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void closingWhileHoldingReleasesAndRunsTheCallback() {
    AtomicInteger inactive = new AtomicInteger();
    HeldBytes held = new HeldBytes(100, inactive::incrementAndGet);
    EmbeddedChannel ch = paused(held);
    ByteBuf a = ascii("abc");
    ch.writeInbound(a);
    ch.close();
    assertThat(a.refCnt()).isZero();
    assertThat(inactive).hasValue(1);
  }

  @Test
  void removingTheHandlerUndrainedReleases() {
    HeldBytes held = new HeldBytes();
    EmbeddedChannel ch = paused(held);
    ByteBuf a = ascii("abc");
    ch.writeInbound(a);
    ch.pipeline().remove(held);
    assertThat(a.refCnt()).isZero();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void anExceptionClosesTheStreamAndOtherMessagesAreReleased() {
    HeldBytes held = new HeldBytes();
    EmbeddedChannel ch = paused(held);
    ByteBufHolder notBytes = new DefaultByteBufHolder(Unpooled.buffer(1));
    ch.writeInbound(notBytes);
    assertThat(notBytes.refCnt()).isZero();
    ch.pipeline().fireExceptionCaught(new IOException("stream reset"));
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void theBoundMustBePositive() {
    assertThatThrownBy(() -> new HeldBytes(0, null)).isInstanceOf(IllegalArgumentException.class);
  }
}
