package io.peerlink.core.internal.mplex;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.internal.Varint;
import io.peerlink.core.internal.resource.ConnectionScope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link MplexSession} and its codec on an {@link EmbeddedChannel}, fed raw mplex frames. */
@Timeout(30)
class MplexSessionTest {
  private static final int MIB = 1 << 20;

  private final List<Channel> streams = new ArrayList<>();
  private final List<Throwable> streamErrors = new ArrayList<>();
  private final List<Throwable> connectionErrors = new ArrayList<>();
  private final StringBuilder read = new StringBuilder();
  private EmbeddedChannel ch;

  @AfterEach
  void release() {
    if (ch != null) {
      ch.finishAndReleaseAll();
    }
  }

  private MplexSession session(int maxStreams, int maxBuffered, Consumer<Channel> onStream) {
    ChannelHandler init = new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel stream) {
        streams.add(stream);
        onStream.accept(stream);
        stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            read.append(b.toString(StandardCharsets.UTF_8));
            b.release();
          }

          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            streamErrors.add(cause);
          }
        });
      }
    };
    MplexSession s = new MplexSession(MIB, maxStreams, maxBuffered, init, ConnectionScope.unlimited());
    ch = new EmbeddedChannel(s, new ChannelInboundHandlerAdapter() {
      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connectionErrors.add(cause);
      }
    });
    return s;
  }

  private static ByteBuf frame(long id, int flag, byte[] data) {
    ByteBuf b = Unpooled.buffer();
    Varint.write(b, id << 3 | flag);
    Varint.write(b, data.length);
    b.writeBytes(data);
    return b;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The frames written so far, as "id/flag/length". */
  private List<String> written() {
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    List<String> out = new ArrayList<>();
    try {
      while (all.isReadable()) {
        long header = Varint.tryRead(all);
        long length = Varint.tryRead(all);
        all.skipBytes((int) length);
        out.add((header >>> 3) + "/" + (header & 7) + "/" + length);
      }
    } catch (ProtocolViolationException e) {
      throw new AssertionError(e);
    } finally {
      all.release();
    }
    return out;
  }

  @Test
  void aStreamTheRemoteOpensCarriesItsMessagesThenCloses() {
    session(8, MIB, s -> {});
    ch.writeInbound(Unpooled.wrappedBuffer(frame(0, MplexFrame.NEW_STREAM, ascii("0")),
        frame(0, MplexFrame.MESSAGE_INITIATOR, ascii("hello ")),
        frame(0, MplexFrame.MESSAGE_INITIATOR, ascii("there"))));
    assertThat(streams).hasSize(1);
    assertThat(read).hasToString("hello there");

    streams.get(0).writeAndFlush(Unpooled.copiedBuffer("back", StandardCharsets.UTF_8));
    // We are the stream's receiver: MessageReceiver (1).
    assertThat(written()).containsExactly("0/1/4");

    ch.writeInbound(frame(0, MplexFrame.CLOSE_INITIATOR, new byte[0]));
    assertThat(streams.get(0).isOpen()).as("closed without half-closure").isFalse();
    assertThat(written()).containsExactly("0/3/0"); // our side's Close (CloseReceiver)
  }

  @Test
  void streamsWeOpenAreNumberedFromZeroAndUseInitiatorFlags() throws Exception {
    MplexSession s = session(8, MIB, st -> {});
    Channel a = s.openStream(null).sync().getNow();
    Channel b = s.openStream(null).sync().getNow();
    a.writeAndFlush(Unpooled.copiedBuffer("x", StandardCharsets.UTF_8));
    b.close();
    assertThat(written()).containsExactly("0/0/1", "1/0/1", "0/2/1", "1/4/0");
    // The remote answers on stream 0 as its receiver; a message for unknown stream 1 is dropped.
    ch.writeInbound(Unpooled.wrappedBuffer(frame(0, MplexFrame.RESET_RECEIVER, new byte[0]),
        frame(1, MplexFrame.MESSAGE_RECEIVER, ascii("late"))));
    assertThat(a.isOpen()).isFalse();
    assertThat(s.streamCount()).isZero();
    assertThat(connectionErrors).isEmpty();
  }

  @Test
  void aReaderThatFallsBehindGetsItsStreamResetAtTheBound() {
    session(8, 1000, st -> st.config().setAutoRead(false));
    ch.writeInbound(Unpooled.wrappedBuffer(frame(3, MplexFrame.NEW_STREAM, new byte[0]),
        frame(3, MplexFrame.MESSAGE_INITIATOR, new byte[600])));
    assertThat(((MplexStreamChannel) streams.get(0)).bufferedInboundBytes()).isEqualTo(600);
    assertThat(streams.get(0).isOpen()).isTrue();

    ch.writeInbound(frame(3, MplexFrame.MESSAGE_INITIATOR, new byte[401]));
    assertThat(streams.get(0).isOpen()).isFalse();
    assertThat(streamErrors).singleElement().isInstanceOf(LimitExceededException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains("mplexMaxBufferedBytes"));
    assertThat(written()).containsExactly("3/5/0"); // ResetReceiver
    assertThat(ch.isOpen()).as("only the stream goes").isTrue();
  }

  @Test
  void newStreamsOverTheLimitAreReset() {
    session(2, MIB, st -> {});
    ch.writeInbound(Unpooled.wrappedBuffer(frame(0, MplexFrame.NEW_STREAM, new byte[0]),
        frame(1, MplexFrame.NEW_STREAM, new byte[0]), frame(2, MplexFrame.NEW_STREAM, new byte[0])));
    assertThat(streams).hasSize(2);
    assertThat(written()).containsExactly("2/5/0");
  }

  @Test
  void anOversizedMessageFailsTheConnectionBeforeItsBodyArrives() {
    session(8, MIB, st -> {});
    ByteBuf header = Unpooled.buffer();
    Varint.write(header, 0 << 3 | MplexFrame.MESSAGE_INITIATOR);
    Varint.write(header, MIB + 1);
    ch.writeInbound(header);
    assertThat(connectionErrors).singleElement().isInstanceOf(LimitExceededException.class);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void anUnknownFlagOrADoubleOpenFailsTheConnection() {
    session(8, MIB, st -> {});
    ch.writeInbound(frame(0, 7, new byte[0]));
    assertThat(connectionErrors).singleElement().isInstanceOf(ProtocolViolationException.class);
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();

    connectionErrors.clear();
    session(8, MIB, st -> {});
    ch.writeInbound(Unpooled.wrappedBuffer(frame(4, MplexFrame.NEW_STREAM, new byte[0]),
        frame(4, MplexFrame.NEW_STREAM, new byte[0])));
    assertThat(connectionErrors).singleElement().isInstanceOf(ProtocolViolationException.class);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aLargeWriteIsCutIntoMessagesOfTheFrameSize() throws Exception {
    MplexSession s = session(8, MIB, st -> {});
    Channel a = s.openStream(null).sync().getNow();
    a.writeAndFlush(Unpooled.wrappedBuffer(new byte[2 * MIB + 5]));
    assertThat(written()).containsExactly("0/0/1", "0/2/" + MIB, "0/2/" + MIB, "0/2/5");
  }

  @Test
  void streamsSeeTheConnectionClose() {
    session(8, MIB, st -> {});
    ch.writeInbound(frame(0, MplexFrame.NEW_STREAM, new byte[0]));
    ch.close();
    assertThat(streams.get(0).isOpen()).isFalse();
    assertThat(streamErrors).hasSize(1);
  }
}
