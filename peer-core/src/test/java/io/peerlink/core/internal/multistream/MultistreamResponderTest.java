package io.peerlink.core.internal.multistream;

import static io.peerlink.core.internal.multistream.MultistreamTestSupport.concat;
import static io.peerlink.core.internal.multistream.MultistreamTestSupport.failure;
import static io.peerlink.core.internal.multistream.MultistreamTestSupport.messages;
import static io.peerlink.core.internal.multistream.MultistreamTestSupport.outbound;
import static io.peerlink.core.internal.multistream.MultistreamTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.internal.multistream.MultistreamTestSupport.Collector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MultistreamResponderTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String ECHO = "/echo/1.0.0";

  private final CompletableFuture<String> result = new CompletableFuture<>();
  private final Collector protocol = new Collector();
  private final List<String> asked = new ArrayList<>();
  private EmbeddedChannel channel;

  @AfterEach
  void releaseEverything() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private EmbeddedChannel responder() {
    Function<String, ChannelHandler> handlerFor = id -> {
      asked.add(id);
      return id.equals(ECHO) ? protocol : null;
    };
    channel = new EmbeddedChannel(new MultistreamResponder(handlerFor, result, TIMEOUT));
    return channel;
  }

  @Test
  void sendsTheHeaderAsSoonAsActive() {
    responder();
    assertThat(outbound(channel)).isEqualTo(messages("/multistream/1.0.0"));
  }

  @Test
  void pipelinedHeaderProposalAndDataInOneSegmentReachTheProtocolIntact() {
    responder();
    outbound(channel);
    byte[] data = utf8("application bytes sent before the echo");
    channel.writeInbound(Unpooled.wrappedBuffer(
        concat(messages("/multistream/1.0.0", ECHO), data)));

    assertThat(outbound(channel)).isEqualTo(messages(ECHO));
    assertThat(result).isCompletedWithValue(ECHO);
    assertThat(protocol.bytes()).isEqualTo(data);
    assertThat(channel.pipeline().get(MultistreamResponder.class)).isNull();
    assertThat(channel.pipeline().last()).isSameAs(protocol);
  }

  /**
   * A protocol handler that puts its own decoder in front of itself when added (yamux does): the
   * bytes that came in the same segment as the proposal must go through that decoder. With
   * {@code replace()} they went straight to the handler, and a muxer agreed after the security
   * handshake (plaintext) lost the remote's first stream now and then.
   */
  @Test
  void pipelinedDataReachesTheDecoderAProtocolHandlerPutsInFrontOfItself() {
    List<Object> seen = new ArrayList<>();
    ChannelHandler codecFirst = new ChannelInboundHandlerAdapter() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.pipeline().addBefore(ctx.name(), null, new MessageToMessageDecoder<ByteBuf>() {
          @Override
          protected void decode(ChannelHandlerContext c, ByteBuf in, List<Object> out) {
            out.add("decoded:" + in.toString(StandardCharsets.UTF_8));
          }
        });
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        seen.add(msg);
        ReferenceCountUtil.release(msg);
      }
    };
    channel = new EmbeddedChannel(new MultistreamResponder(id -> codecFirst, result, TIMEOUT));
    outbound(channel);
    channel.writeInbound(Unpooled.wrappedBuffer(concat(messages("/multistream/1.0.0", ECHO), utf8("frame"))));
    assertThat(result).isCompletedWithValue(ECHO);
    assertThat(seen).containsExactly("decoded:frame");
  }

  @Test
  void pipelinedDataFollowedByHalfCloseStillReachesTheProtocol() {
    responder();
    channel.writeInbound(Unpooled.wrappedBuffer(
        concat(messages("/multistream/1.0.0", ECHO), utf8("push"))));
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertThat(result).isCompletedWithValue(ECHO);
    assertThat(protocol.bytes()).isEqualTo(utf8("push"));
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void handlesBytesArrivingOneAtATime() {
    responder();
    byte[] wire = concat(messages("/multistream/1.0.0", "/nope", ECHO), utf8("abc"));
    for (byte b : wire) {
      channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    assertThat(outbound(channel)).isEqualTo(messages("/multistream/1.0.0", "na", ECHO));
    assertThat(result).isCompletedWithValue(ECHO);
    assertThat(protocol.bytes()).isEqualTo(utf8("abc"));
    assertThat(protocol.reads).isEqualTo(3);
  }

  @Test
  void answersNaToUnsupportedThenAcceptsTheNextProposal() {
    responder();
    outbound(channel);
    channel.writeInbound(Unpooled.wrappedBuffer(messages("/multistream/1.0.0", "/tls/1.0.0")));
    assertThat(outbound(channel)).isEqualTo(messages("na"));
    assertThat(result).isNotDone();

    channel.writeInbound(Unpooled.wrappedBuffer(messages(ECHO)));
    assertThat(outbound(channel)).isEqualTo(messages(ECHO));
    assertThat(result).isCompletedWithValue(ECHO);
    assertThat(asked).containsExactly("/tls/1.0.0", ECHO);
  }

  @Test
  void answersLsWithNaWithoutAskingForAHandler() {
    responder();
    outbound(channel);
    channel.writeInbound(Unpooled.wrappedBuffer(messages("/multistream/1.0.0", "ls")));
    assertThat(outbound(channel)).isEqualTo(messages("na"));
    assertThat(asked).isEmpty();
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void givesUpAfterTooManyRefusals() {
    responder();
    outbound(channel);
    channel.writeInbound(Unpooled.wrappedBuffer(messages("/multistream/1.0.0")));
    for (int i = 0; i < MultistreamResponder.MAX_REFUSALS; i++) {
      channel.writeInbound(Unpooled.wrappedBuffer(messages("/unknown/" + i)));
    }
    assertThat(failure(result)).isInstanceOf(LimitExceededException.class);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void rejectsAWrongFirstMessage() {
    responder();
    channel.writeInbound(Unpooled.wrappedBuffer(messages(ECHO)));
    assertThat(failure(result))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("expected multistream header");
    assertThat(channel.isOpen()).isFalse();
    assertThat(protocol.reads).isZero();
  }

  @Test
  void rejectsAnOversizedMessageWithoutWaitingForItsPayload() {
    responder();
    // Length 1025 and then only part of the payload: rejected on the prefix alone.
    byte[] wire = concat(new byte[] {(byte) 0x81, 0x08}, utf8("/x"));
    channel.writeInbound(Unpooled.wrappedBuffer(wire));
    assertThat(failure(result))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("longer than 1024");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void rejectsAnOversizedLengthVarintBeforeItEnds() {
    responder();
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff}));
    assertThat(failure(result)).isInstanceOf(ProtocolViolationException.class);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void rejectsAMalformedVarint() {
    responder();
    // 0x80 0x00 encodes 0 in two bytes: not minimal.
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0x00}));
    assertThat(failure(result))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("varint");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void rejectsAMessageWithoutNewline() {
    responder();
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {3, 'a', 'b', 'c', 9, 9}));
    assertThat(failure(result))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("newline");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void rejectsAnEmptyMessage() {
    responder();
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0}));
    assertThat(failure(result)).isInstanceOf(ProtocolViolationException.class);
  }

  @Test
  void rejectsNonUtf8() {
    responder();
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {3, (byte) 0xc3, (byte) 0x28, '\n'}));
    assertThat(failure(result))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("UTF-8");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void timesOutWhenThePeerSaysNothing() {
    responder();
    channel.advanceTimeBy(TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(failure(result)).isInstanceOf(PeerTimeoutException.class);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void doesNotTimeOutAfterSuccess() {
    responder();
    channel.writeInbound(Unpooled.wrappedBuffer(messages("/multistream/1.0.0", ECHO)));
    channel.advanceTimeBy(TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(result).isCompletedWithValue(ECHO);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void failsWhenInputEndsMidNegotiation() {
    responder();
    channel.writeInbound(Unpooled.wrappedBuffer(messages("/multistream/1.0.0")));
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertThat(failure(result)).isInstanceOf(PeerException.class);
    assertThat(((PeerException) failure(result)).kind()).isEqualTo(PeerError.IO);
    assertThat(channel.isOpen()).isFalse();
  }
}
