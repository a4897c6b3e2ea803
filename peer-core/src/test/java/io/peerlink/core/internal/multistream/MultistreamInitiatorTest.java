package io.peerlink.core.internal.multistream;

import static io.peerlink.core.internal.multistream.MultistreamTestSupport.concat;
import static io.peerlink.core.internal.multistream.MultistreamTestSupport.failure;
import static io.peerlink.core.internal.multistream.MultistreamTestSupport.messages;
import static io.peerlink.core.internal.multistream.MultistreamTestSupport.outbound;
import static io.peerlink.core.internal.multistream.MultistreamTestSupport.outboundWrites;
import static io.peerlink.core.internal.multistream.MultistreamTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.internal.multistream.MultistreamTestSupport.Collector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MultistreamInitiatorTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final CompletableFuture<String> result = new CompletableFuture<>();
  private final Collector protocol = new Collector();
  private EmbeddedChannel channel;

  @AfterEach
  void releaseEverything() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private EmbeddedChannel initiator(String... protocols) {
    channel = new EmbeddedChannel(
        new MultistreamInitiator(List.of(protocols), p -> protocol, result, TIMEOUT));
    return channel;
  }

  @Test
  void writesHeaderAndFirstProposalInOneWrite() {
    initiator("/tls/1.0.0", "/noise");
    assertThat(outboundWrites(channel))
        .singleElement()
        .isEqualTo(messages("/multistream/1.0.0", "/tls/1.0.0"));
  }

  @Test
  void onEchoInstallsTheProtocolAndForwardsBytesThatFollowedTheEcho() {
    initiator("/noise");
    outbound(channel);
    channel.writeInbound(Unpooled.wrappedBuffer(
        concat(messages("/multistream/1.0.0", "/noise"), utf8("handshake bytes"))));

    assertThat(result).isCompletedWithValue("/noise");
    assertThat(protocol.bytes()).isEqualTo(utf8("handshake bytes"));
    assertThat(channel.pipeline().get(MultistreamInitiator.class)).isNull();
    assertThat(channel.pipeline().last()).isSameAs(protocol);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void handlesAnswersArrivingOneByteAtATime() {
    initiator("/noise");
    outbound(channel);
    byte[] wire = concat(messages("/multistream/1.0.0", "/noise"), utf8("xyz"));
    for (byte b : wire) {
      channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    assertThat(result).isCompletedWithValue("/noise");
    assertThat(protocol.bytes()).isEqualTo(utf8("xyz"));
  }

  @Test
  void afterNaProposesTheNextProtocolAloneAndAcceptsItsEcho() {
    initiator("/tls/1.0.0", "/noise");
    outbound(channel);
    channel.writeInbound(Unpooled.wrappedBuffer(messages("/multistream/1.0.0", "na")));

    assertThat(outboundWrites(channel)).singleElement().isEqualTo(messages("/noise"));
    assertThat(result).isNotDone();

    channel.writeInbound(Unpooled.wrappedBuffer(messages("/noise")));
    assertThat(result).isCompletedWithValue("/noise");
  }

  @Test
  void whenEveryProposalIsRefusedFailsListingThemAndCloses() {
    initiator("/tls/1.0.0", "/noise");
    outbound(channel);
    channel.writeInbound(Unpooled.wrappedBuffer(messages("/multistream/1.0.0", "na")));
    channel.writeInbound(Unpooled.wrappedBuffer(concat(messages("na"), utf8("trailing"))));

    assertThat(result).isCompletedExceptionally();
    assertThat(failure(result))
        .isInstanceOf(ProtocolNegotiationException.class)
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessage("remote supports none of [/tls/1.0.0, /noise]");
    assertThat(((PeerException) failure(result)).kind()).isEqualTo(PeerError.PROTOCOL);
    assertThat(channel.isOpen()).isFalse();
    assertThat(protocol.reads).isZero();
  }

  @Test
  void rejectsAWrongHeader() {
    initiator("/noise");
    channel.writeInbound(Unpooled.wrappedBuffer(messages("/multistream/2.0.0", "/noise")));
    assertThat(failure(result))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("expected multistream header");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void rejectsAnAnswerThatIsNeitherEchoNorNa() {
    initiator("/noise");
    channel.writeInbound(Unpooled.wrappedBuffer(messages("/multistream/1.0.0", "/yamux/1.0.0")));
    assertThat(failure(result))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("'/yamux/1.0.0'");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void timesOutAndCloses() {
    initiator("/noise");
    channel.advanceTimeBy(TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(failure(result))
        .isInstanceOf(PeerTimeoutException.class)
        .hasMessageContaining("/noise");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void failsWhenTheChannelClosesMidNegotiation() {
    initiator("/noise");
    channel.writeInbound(Unpooled.wrappedBuffer(messages("/multistream/1.0.0")));
    channel.close();
    assertThat(failure(result)).isInstanceOf(PeerException.class);
    assertThat(((PeerException) failure(result)).kind()).isEqualTo(PeerError.IO);
  }

  @Test
  void optimisticModeLetsTheProtocolWriteBeforeTheEchoAndHoldsInboundUntilIt() {
    Collector inbound = new Collector();
    ChannelInboundHandlerAdapter eager = new ChannelInboundHandlerAdapter() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(utf8("early data")));
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inbound.channelRead(ctx, msg);
      }
    };
    channel = new EmbeddedChannel(
        MultistreamInitiator.optimistic("/echo/1.0.0", eager, result, TIMEOUT));

    assertThat(outbound(channel))
        .isEqualTo(concat(messages("/multistream/1.0.0", "/echo/1.0.0"), utf8("early data")));

    channel.writeInbound(Unpooled.wrappedBuffer(messages("/multistream/1.0.0")));
    assertThat(inbound.reads).isZero();
    channel.writeInbound(Unpooled.wrappedBuffer(concat(messages("/echo/1.0.0"), utf8("reply"))));

    assertThat(result).isCompletedWithValue("/echo/1.0.0");
    assertThat(inbound.bytes()).isEqualTo(utf8("reply"));
    assertThat(channel.pipeline().get(MultistreamInitiator.class)).isNull();
  }

  @Test
  void optimisticModeFailsAndClosesOnNa() {
    Collector inbound = new Collector();
    channel = new EmbeddedChannel(
        MultistreamInitiator.optimistic("/echo/1.0.0", inbound, result, TIMEOUT));
    channel.writeInbound(Unpooled.wrappedBuffer(messages("/multistream/1.0.0", "na")));
    assertThat(failure(result)).isInstanceOf(ProtocolNegotiationException.class);
    assertThat(channel.isOpen()).isFalse();
    assertThat(inbound.reads).isZero();
  }
}
