package io.peerlink.core.internal.yamux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerlink.core.ProtocolViolationException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class YamuxFrameCodecTest {

  private static EmbeddedChannel decoderChannel() {
    return new EmbeddedChannel(new YamuxFrameDecoder());
  }

  /** Encodes a frame with the encoder and returns the bytes as one buffer. */
  private static ByteBuf encode(YamuxFrame frame) {
    EmbeddedChannel ch = new EmbeddedChannel(new YamuxFrameEncoder());
    assertThat(ch.writeOutbound(frame)).isTrue();
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    assertThat(ch.finish()).isFalse();
    return all;
  }

  private static YamuxFrame roundTrip(YamuxFrame frame) {
    EmbeddedChannel ch = decoderChannel();
    ch.writeInbound(encode(frame));
    List<YamuxFrame> decoded = YamuxTestPeer.reassemble(ch);
    assertThat(ch.finish()).isFalse();
    assertThat(decoded).hasSize(1);
    return decoded.get(0);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, YamuxFrame.FLAG_SYN, YamuxFrame.FLAG_ACK, YamuxFrame.FLAG_FIN,
      YamuxFrame.FLAG_RST, YamuxFrame.FLAG_SYN | YamuxFrame.FLAG_FIN})
  void dataFrameRoundTripsWithEveryFlag(int flags) {
    ByteBuf payload = Unpooled.copiedBuffer("hello yamux", StandardCharsets.US_ASCII);
    YamuxFrame decoded = roundTrip(YamuxFrame.data(7, flags, payload));
    try {
      assertThat(decoded.type()).isEqualTo(YamuxFrame.TYPE_DATA);
      assertThat(decoded.flags()).isEqualTo(flags);
      assertThat(decoded.streamId()).isEqualTo(7);
      assertThat(decoded.length()).isEqualTo(11);
      assertThat(decoded.payload().toString(StandardCharsets.US_ASCII)).isEqualTo("hello yamux");
    } finally {
      decoded.release();
    }
  }

  @Test
  void emptyDataFrameRoundTrips() {
    YamuxFrame decoded = roundTrip(YamuxFrame.data(3, YamuxFrame.FLAG_FIN, Unpooled.EMPTY_BUFFER));
    assertThat(decoded.length()).isZero();
    assertThat(decoded.hasFlag(YamuxFrame.FLAG_FIN)).isTrue();
    decoded.release();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, YamuxFrame.FLAG_SYN, YamuxFrame.FLAG_ACK, YamuxFrame.FLAG_FIN, YamuxFrame.FLAG_RST})
  void windowUpdateRoundTripsWithEveryFlagAndUnsignedValues(int flags) {
    YamuxFrame decoded = roundTrip(YamuxFrame.windowUpdate(0xFFFF_FFFEL, flags, 0xFFFF_FFFFL));
    assertThat(decoded.type()).isEqualTo(YamuxFrame.TYPE_WINDOW_UPDATE);
    assertThat(decoded.flags()).isEqualTo(flags);
    assertThat(decoded.streamId()).isEqualTo(0xFFFF_FFFEL);
    assertThat(decoded.length()).isEqualTo(0xFFFF_FFFFL);
    assertThat(decoded.refCnt()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {YamuxFrame.FLAG_SYN, YamuxFrame.FLAG_ACK})
  void pingRoundTrips(int flags) {
    YamuxFrame decoded = roundTrip(YamuxFrame.ping(flags, 0xCAFEBABEL));
    assertThat(decoded.type()).isEqualTo(YamuxFrame.TYPE_PING);
    assertThat(decoded.flags()).isEqualTo(flags);
    assertThat(decoded.streamId()).isZero();
    assertThat(decoded.length()).isEqualTo(0xCAFEBABEL);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void goAwayRoundTrips(int code) {
    YamuxFrame decoded = roundTrip(YamuxFrame.goAway(GoAwayCode.of(code)));
    assertThat(decoded.type()).isEqualTo(YamuxFrame.TYPE_GO_AWAY);
    assertThat(GoAwayCode.of(decoded.length())).isEqualTo(GoAwayCode.values()[code]);
  }

  @Test
  void headerLayoutIsBigEndian() {
    ByteBuf bytes = encode(YamuxFrame.windowUpdate(0x01020304L, YamuxFrame.FLAG_SYN | YamuxFrame.FLAG_ACK, 0x0A0B0C0DL));
    byte[] expected = {0, 1, 0, 3, 1, 2, 3, 4, 0x0A, 0x0B, 0x0C, 0x0D};
    byte[] actual = new byte[bytes.readableBytes()];
    bytes.readBytes(actual);
    bytes.release();
    assertThat(actual).containsExactly(expected);
  }

  @Test
  void framesSplitAcrossReadsAndManyInOneRead() {
    ByteBuf stream = Unpooled.buffer();
    for (int i = 0; i < 3; i++) {
      ByteBuf one = encode(YamuxFrame.data(1, 0, Unpooled.copiedBuffer(new byte[] {(byte) i, 9, 9})));
      stream.writeBytes(one);
      one.release();
    }
    EmbeddedChannel ch = decoderChannel();
    while (stream.isReadable()) {
      ch.writeInbound(stream.readRetainedSlice(Math.min(5, stream.readableBytes())));
    }
    stream.release();
    List<YamuxFrame> frames = YamuxTestPeer.reassemble(ch);
    assertThat(frames).hasSize(3);
    for (int i = 0; i < 3; i++) {
      YamuxFrame f = frames.get(i);
      assertThat(f.length()).isEqualTo(3);
      assertThat(f.payload().getByte(0)).isEqualTo((byte) i);
      f.release();
    }
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void payloadIsASliceOfTheInboundBufferNotACopy() {
    ByteBuf in = encode(YamuxFrame.data(1, 0, Unpooled.copiedBuffer(new byte[] {1, 2, 3})));
    ByteBuf direct = Unpooled.directBuffer(in.readableBytes()).writeBytes(in);
    in.release();
    EmbeddedChannel ch = decoderChannel();
    ch.writeInbound(direct);
    YamuxFrame header = ch.readInbound();
    assertThat(header.length()).isEqualTo(3);
    assertThat(header.payload().isReadable()).as("a decoded header carries no payload").isFalse();
    ByteBuf piece = ch.readInbound();
    assertThat(piece.unwrap()).as("a slice of the inbound buffer").isNotNull();
    assertThat(piece.readableBytes()).isEqualTo(3);
    piece.release();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void aLargeFramesPayloadIsPassedOnAsItArrivesNotHeldUntilComplete() {
    // A 16 MiB frame (js-libp2p sends whole-window frames) arriving in 64 KiB reads: every read's
    // bytes come out at once, so the decoder never holds more than a split header.
    int length = 16 * 1024 * 1024;
    ByteBuf header = Unpooled.buffer(12);
    YamuxFrame.windowUpdate(5, 0, 0).writeHeader(header);
    header.setByte(1, YamuxFrame.TYPE_DATA);
    header.setInt(8, length);
    EmbeddedChannel ch = decoderChannel();
    ch.writeInbound(header);
    YamuxFrame decoded = ch.readInbound();
    assertThat(decoded.length()).isEqualTo(length);
    int read = 64 * 1024;
    for (int sent = 0; sent < length; sent += read) {
      ch.writeInbound(Unpooled.buffer(read).writerIndex(read));
      ByteBuf piece = ch.readInbound();
      assertThat(piece.readableBytes()).isEqualTo(read);
      piece.release();
      assertThat(ch.<Object>readInbound()).isNull();
    }
    // What follows the payload is the next header.
    ch.writeInbound(encode(YamuxFrame.ping(YamuxFrame.FLAG_SYN, 7)));
    YamuxFrame ping = ch.readInbound();
    assertThat(ping.type()).isEqualTo(YamuxFrame.TYPE_PING);
    assertThat(ping.length()).isEqualTo(7);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void aHeaderSplitAcrossReadsIsJoinedAndThePayloadInTheSameReadFollows() {
    ByteBuf bytes = encode(YamuxFrame.data(9, YamuxFrame.FLAG_FIN, Unpooled.copiedBuffer(new byte[] {4, 5, 6, 7})));
    EmbeddedChannel ch = decoderChannel();
    ch.writeInbound(bytes.readRetainedSlice(7));
    assertThat(ch.<Object>readInbound()).isNull();
    ch.writeInbound(bytes.readRetainedSlice(bytes.readableBytes()));
    bytes.release();
    List<YamuxFrame> frames = YamuxTestPeer.reassemble(ch);
    assertThat(frames).singleElement().satisfies(f -> {
      assertThat(f.streamId()).isEqualTo(9);
      assertThat(f.hasFlag(YamuxFrame.FLAG_FIN)).isTrue();
      assertThat(ByteBufUtil.getBytes(f.payload())).containsExactly(4, 5, 6, 7);
    });
    frames.forEach(YamuxFrame::release);
    assertThat(ch.finish()).isFalse();
  }

  private static void assertRejected(ByteBuf input, String messagePart) {
    EmbeddedChannel ch = decoderChannel();
    assertThatThrownBy(() -> ch.writeInbound(input))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining(messagePart);
    assertThat(ch.isOpen()).isFalse();
    assertThat(ch.<Object>readInbound()).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void badVersionIsRejected() {
    ByteBuf bytes = encode(YamuxFrame.ping(YamuxFrame.FLAG_SYN, 1));
    bytes.setByte(0, 1);
    assertRejected(bytes, "version 1");
  }

  @Test
  void unknownTypeIsRejected() {
    ByteBuf bytes = encode(YamuxFrame.ping(YamuxFrame.FLAG_SYN, 1));
    bytes.setByte(1, 4);
    assertRejected(bytes, "type 4");
  }

  @Test
  void inputAfterAFailureIsDiscarded() {
    EmbeddedChannel ch = decoderChannel();
    ByteBuf bad = encode(YamuxFrame.ping(YamuxFrame.FLAG_SYN, 1));
    bad.setByte(0, 9);
    ByteBuf good = encode(YamuxFrame.data(1, 0, Unpooled.copiedBuffer(new byte[] {1})));
    ByteBuf both = Unpooled.wrappedBuffer(bad, good);
    assertThatThrownBy(() -> ch.writeInbound(both)).isInstanceOf(ProtocolViolationException.class);
    assertThat(ch.<Object>readInbound()).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void partialHeaderWaits() {
    EmbeddedChannel ch = decoderChannel();
    assertThat(ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0}))).isFalse();
    assertThat(ch.isOpen()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void frameFactoriesValidate() {
    assertThatThrownBy(() -> YamuxFrame.windowUpdate(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> YamuxFrame.windowUpdate(1, 0x10000, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> YamuxFrame.ping(0, 1L << 32)).isInstanceOf(IllegalArgumentException.class);
  }
}
