package io.peerlink.core.internal.yamux;

import static io.peerlink.core.internal.yamux.YamuxTestPeer.probeOf;
import static io.peerlink.core.internal.yamux.YamuxTestPeer.pump;
import static io.peerlink.core.internal.yamux.YamuxTestPeer.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.ProtocolViolationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Session behaviour: two sessions back to back on EmbeddedChannels, or one fed raw frames. */
class YamuxSessionTest {

  private final List<YamuxTestPeer> peers = new ArrayList<>();

  private YamuxTestPeer peer(boolean client, YamuxConfig config) {
    return peer(client, config, ch -> {});
  }

  private YamuxTestPeer peer(boolean client, YamuxConfig config, Consumer<Channel> setup) {
    YamuxTestPeer p = new YamuxTestPeer(client, config, setup);
    peers.add(p);
    return p;
  }

  @AfterEach
  void dispose() {
    peers.forEach(YamuxTestPeer::dispose);
  }

  private static ByteBuf text(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  @Test
  void openAcceptEchoWithCorrectIdParity() {
    YamuxTestPeer client = peer(true, quiet().build());
    YamuxTestPeer server = peer(false, quiet().build(), ch -> {});
    YamuxStreamChannel out = client.open();
    assertThat(out.streamId()).isEqualTo(1);
    assertThat(out.parent()).isSameAs(client.channel);
    assertThat(out.remoteAddress()).isEqualTo(client.channel.remoteAddress());
    out.writeAndFlush(text("hello"));
    pump(client, server);
    assertThat(server.accepted).hasSize(1);
    YamuxStreamChannel in = server.accepted.get(0);
    assertThat(in.streamId()).isEqualTo(1);
    assertThat(probeOf(in).text()).isEqualTo("hello");
    in.writeAndFlush(text("world"));
    pump(client, server);
    assertThat(probeOf(out).text()).isEqualTo("world");

    YamuxStreamChannel fromServer = server.open();
    assertThat(fromServer.streamId()).isEqualTo(2);
    assertThat(client.open().streamId()).isEqualTo(3);
    assertThat(server.open().streamId()).isEqualTo(4);
  }

  @Test
  void openSendsWindowUpdateWithSynAndDataMayFollowBeforeAck() {
    YamuxTestPeer client = peer(true, quiet().build());
    YamuxStreamChannel out = client.open();
    out.writeAndFlush(text("early"));
    List<String> frames = client.writtenHeaders();
    assertThat(frames).containsExactly(
        "YamuxFrame(WINDOW_UPDATE SYN stream=1 length=0)", "YamuxFrame(DATA stream=1 length=5)");
  }

  @Test
  void hundredConcurrentStreamsEachEchoTheirOwnData() {
    YamuxTestPeer client = peer(true, quiet().build());
    YamuxTestPeer server = peer(false, quiet().build(), ch -> {});
    List<YamuxStreamChannel> streams = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      YamuxStreamChannel s = client.open();
      streams.add(s);
      s.writeAndFlush(text("stream-" + i));
    }
    pump(client, server);
    assertThat(server.accepted).hasSize(100);
    for (YamuxStreamChannel in : server.accepted) {
      in.writeAndFlush(text("echo:" + probeOf(in).text()));
    }
    pump(client, server);
    for (int i = 0; i < 100; i++) {
      assertThat(probeOf(streams.get(i)).text()).isEqualTo("echo:stream-" + i);
    }
    assertThat(client.session.streamCount()).isEqualTo(100);
    streams.forEach(Channel::close);
    pump(client, server);
    // Remote FIN without half-closure closes the server's streams; their FIN finishes ours.
    assertThat(server.accepted).allSatisfy(ch -> assertThat(ch.isOpen()).isFalse());
    assertThat(client.session.streamCount()).isZero();
    assertThat(server.session.streamCount()).isZero();
  }

  @Test
  void pingReturnsRoundTripTime() {
    YamuxTestPeer client = peer(true, quiet().build());
    YamuxTestPeer server = peer(false, quiet().build());
    Future<Long> rtt = client.session.ping();
    pump(client, server);
    assertThat(rtt.isSuccess()).isTrue();
    assertThat(rtt.getNow()).isPositive();
    assertThat(client.session.rttNanos()).isEqualTo(rtt.getNow());
  }

  @Test
  void pingSynIsAnsweredWithSameOpaqueAndStrayAckIsIgnored() {
    YamuxTestPeer server = peer(false, quiet().build());
    server.receive(YamuxFrame.ping(YamuxFrame.FLAG_SYN, 0xABCDEF01L), YamuxFrame.ping(YamuxFrame.FLAG_ACK, 77));
    assertThat(server.writtenHeaders()).containsExactly("YamuxFrame(PING ACK stream=0 length=2882400001)");
    assertThat(server.channel.isOpen()).isTrue();
    assertThat(server.connectionExceptions).isEmpty();
  }

  @Test
  void unansweredPingTimesOut() {
    YamuxTestPeer client = peer(true, quiet().pingTimeout(Duration.ofSeconds(5)).build());
    Future<Long> rtt = client.session.ping();
    client.channel.advanceTimeBy(6, TimeUnit.SECONDS);
    client.channel.runScheduledPendingTasks();
    assertThat(rtt.cause()).isInstanceOf(PeerTimeoutException.class);
  }

  @Test
  void keepAlivePingsAndClosesTheSessionWhenUnanswered() {
    YamuxTestPeer client = peer(true, YamuxConfig.builder()
        .keepAliveInterval(Duration.ofSeconds(30)).pingTimeout(Duration.ofSeconds(10)).build());
    assertThat(client.writtenHeaders()).containsExactly("YamuxFrame(PING SYN stream=0 length=1)");
    client.channel.advanceTimeBy(11, TimeUnit.SECONDS);
    client.channel.runScheduledPendingTasks();
    assertThat(client.channel.isOpen()).isFalse();
    assertThat(client.connectionExceptions).singleElement().isInstanceOf(PeerTimeoutException.class);
  }

  @Test
  void wrongParitySynIsAProtocolError() {
    YamuxTestPeer client = peer(true, quiet().build());
    client.receive(YamuxFrame.windowUpdate(3, YamuxFrame.FLAG_SYN, 0)); // odd = the client's own
    assertProtocolError(client, "both endpoints are clients");
  }

  @Test
  void frameForNeverOpenedStreamIsAProtocolError() {
    YamuxTestPeer server = peer(false, quiet().build());
    server.receive(YamuxFrame.data(99, 0, Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
    assertProtocolError(server, "unknown stream 99");
  }

  @Test
  void duplicateSynIsAProtocolError() {
    YamuxTestPeer server = peer(false, quiet().build());
    server.receive(YamuxFrame.windowUpdate(1, YamuxFrame.FLAG_SYN, 0));
    server.receive(YamuxFrame.windowUpdate(1, YamuxFrame.FLAG_SYN, 0));
    assertProtocolError(server, "duplicate SYN");
  }

  @Test
  void windowOverrunIsAProtocolError() {
    YamuxTestPeer server = peer(false, quiet().build(), ch -> ch.config().setAutoRead(false));
    server.receive(YamuxFrame.data(1, YamuxFrame.FLAG_SYN, Unpooled.buffer(200_000).writeZero(200_000)));
    assertThat(server.channel.isOpen()).isTrue();
    server.receive(YamuxFrame.data(1, 0, Unpooled.buffer(62_145).writeZero(62_145)));
    assertProtocolError(server, "data frame of 62145 bytes, more than the 62144 bytes of window");
  }

  @Test
  void aDataFrameOverTheWindowIsRejectedOnItsHeaderBeforeThePayloadArrives() {
    YamuxTestPeer server = peer(false, quiet().build());
    server.receive(YamuxFrame.windowUpdate(1, YamuxFrame.FLAG_SYN, 0));
    ByteBuf header = Unpooled.buffer(12);
    YamuxFrame.windowUpdate(1, 0, 0).writeHeader(header);
    header.setByte(1, YamuxFrame.TYPE_DATA);
    header.setInt(8, -1); // 4 GiB - 1: only the header is sent
    server.channel.writeInbound(header);
    assertProtocolError(server, "data frame of 4294967295 bytes");
  }

  @Test
  void aDataFrameAsLargeAsTheWholeGrantedWindowIsDeliveredIntact() {
    // An outbound stream grants its whole initial window with the SYN; the remote answers with
    // one frame of exactly that size, as js-libp2p does once windows have grown.
    int window = 16 * 1024 * 1024;
    YamuxTestPeer client = peer(true, quiet().initialStreamWindow(window).maxStreamWindow(window).build());
    YamuxStreamChannel out = client.open();
    client.writtenFrames().forEach(YamuxFrame::release);
    byte[] payload = new byte[window];
    new Random(11).nextBytes(payload);
    client.receive(YamuxFrame.data(1, YamuxFrame.FLAG_ACK, Unpooled.wrappedBuffer(payload)));
    assertThat(client.channel.isOpen()).isTrue();
    assertThat(client.connectionExceptions).isEmpty();
    assertThat(probeOf(out).bytes()).isEqualTo(payload);
  }

  @Test
  void dataForAClosedStreamIsDroppedWithoutBufferingItsPayload() {
    YamuxTestPeer server = peer(false, quiet().build());
    server.receive(YamuxFrame.windowUpdate(1, YamuxFrame.FLAG_SYN, 0));
    YamuxStreamChannel in = server.accepted.get(0);
    in.reset();
    server.channel.runPendingTasks();
    server.writtenFrames().forEach(YamuxFrame::release);
    // A late frame's payload, split across reads, goes nowhere; the next frame still decodes.
    server.receive(YamuxFrame.data(1, 0, Unpooled.buffer(100_000).writeZero(100_000)),
        YamuxFrame.ping(YamuxFrame.FLAG_SYN, 42));
    assertThat(server.channel.isOpen()).isTrue();
    assertThat(server.writtenHeaders()).containsExactly("YamuxFrame(PING ACK stream=0 length=42)");
  }

  @Test
  void malformedFrameFromTheDecoderSendsGoAwayProtocolError() {
    YamuxTestPeer server = peer(false, quiet().build());
    server.channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    assertProtocolError(server, "version 1");
  }

  private static void assertProtocolError(YamuxTestPeer peer, String message) {
    assertThat(peer.channel.isOpen()).isFalse();
    assertThat(peer.connectionExceptions).singleElement()
        .isInstanceOf(ProtocolViolationException.class)
        .satisfies(e -> assertThat(e).hasMessageContaining(message));
    assertThat(peer.writtenHeaders()).last().isEqualTo("YamuxFrame(GO_AWAY stream=0 length=1)");
  }

  @Test
  void lateFramesForAResetStreamAreIgnored() {
    YamuxTestPeer server = peer(false, quiet().build());
    server.receive(YamuxFrame.windowUpdate(1, YamuxFrame.FLAG_SYN, 0));
    YamuxStreamChannel in = server.accepted.get(0);
    in.reset();
    server.channel.runPendingTasks();
    assertThat(server.writtenHeaders()).last().isEqualTo("YamuxFrame(WINDOW_UPDATE RST stream=1 length=0)");
    server.receive(
        YamuxFrame.data(1, 0, Unpooled.wrappedBuffer(new byte[] {1})),
        YamuxFrame.windowUpdate(1, 0, 1000),
        YamuxFrame.windowUpdate(1, YamuxFrame.FLAG_FIN, 0));
    assertThat(server.channel.isOpen()).isTrue();
    assertThat(server.connectionExceptions).isEmpty();
    assertThat(server.writtenHeaders()).isEmpty();
  }

  @Test
  void pendingInboundStreamsAreBoundedAndTheExcessGetsRst() {
    YamuxTestPeer server = peer(false, quiet().maxPendingInboundStreams(3).build(),
        ch -> ch.config().setAutoRead(false)); // never reads: never ACKs
    for (int id = 1; id <= 7; id += 2) {
      server.receive(YamuxFrame.windowUpdate(id, YamuxFrame.FLAG_SYN, 0));
    }
    assertThat(server.accepted).hasSize(3);
    assertThat(server.writtenHeaders()).containsExactly("YamuxFrame(WINDOW_UPDATE RST stream=7 length=0)");
    server.accepted.get(0).read(); // accepting one frees a slot
    server.channel.runPendingTasks();
    assertThat(server.writtenHeaders()).containsExactly("YamuxFrame(WINDOW_UPDATE ACK stream=1 length=0)");
    server.receive(YamuxFrame.windowUpdate(9, YamuxFrame.FLAG_SYN, 0));
    assertThat(server.accepted).hasSize(4);
    assertThat(server.writtenHeaders()).isEmpty();
  }

  @Test
  void concurrentStreamLimitRefusesInboundAndOutbound() {
    YamuxTestPeer server = peer(false, quiet().maxConcurrentStreams(2).build());
    server.receive(YamuxFrame.windowUpdate(1, YamuxFrame.FLAG_SYN, 0));
    server.open();
    server.writtenFrames().forEach(YamuxFrame::release);
    server.receive(YamuxFrame.windowUpdate(3, YamuxFrame.FLAG_SYN, 0));
    assertThat(server.writtenHeaders()).containsExactly("YamuxFrame(WINDOW_UPDATE RST stream=3 length=0)");
    Future<Channel> refused = server.session.openStream();
    server.channel.runPendingTasks();
    assertThat(refused.cause()).isInstanceOf(LimitExceededException.class);
  }

  @Test
  void unackedOutboundStreamsAreBounded() {
    YamuxTestPeer client = peer(true, quiet().maxUnackedOutboundStreams(3).build());
    client.open();
    client.open();
    client.open();
    Future<Channel> fourth = client.session.openStream();
    client.channel.runPendingTasks();
    assertThat(fourth.cause()).isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("maxUnackedOutboundStreams (3)");
    client.receive(YamuxFrame.windowUpdate(1, YamuxFrame.FLAG_ACK, 0));
    Future<Channel> afterAck = client.session.openStream();
    client.channel.runPendingTasks();
    assertThat(afterAck.isSuccess()).isTrue();
  }

  @Test
  void goAwayStopsNewStreamsBothWaysButExistingOnesContinue() {
    YamuxTestPeer client = peer(true, quiet().build());
    YamuxTestPeer server = peer(false, quiet().build());
    YamuxStreamChannel out = client.open();
    pump(client, server);
    client.session.goAway(GoAwayCode.NORMAL);
    pump(client, server);
    assertThat(server.session.isRemoteGoAway()).isTrue();

    Future<Channel> fromClient = client.session.openStream();
    Future<Channel> fromServer = server.session.openStream();
    pump(client, server);
    assertThat(fromClient.cause()).isInstanceOf(PeerException.class).hasMessageContaining("going away");
    assertThat(fromServer.cause()).isInstanceOf(PeerException.class).hasMessageContaining("going away");

    out.writeAndFlush(text("still works"));
    pump(client, server);
    assertThat(probeOf(server.accepted.get(0)).text()).isEqualTo("still works");

    client.receive(YamuxFrame.windowUpdate(2, YamuxFrame.FLAG_SYN, 0));
    assertThat(client.writtenHeaders()).containsExactly("YamuxFrame(WINDOW_UPDATE RST stream=2 length=0)");
  }

  @Test
  void goAwayWithErrorCodeClosesTheSession() {
    YamuxTestPeer client = peer(true, quiet().build());
    YamuxStreamChannel out = client.open();
    client.receive(YamuxFrame.goAway(GoAwayCode.INTERNAL_ERROR));
    assertThat(client.channel.isOpen()).isFalse();
    assertThat(client.connectionExceptions).singleElement().isInstanceOf(PeerException.class)
        .satisfies(e -> assertThat(e).hasMessageContaining("INTERNAL_ERROR"));
    assertThat(out.isOpen()).isFalse();
  }

  @Test
  void closingTheConnectionSendsGoAwayAndClosesEveryStream() {
    YamuxTestPeer client = peer(true, quiet().build());
    YamuxStreamChannel a = client.open();
    YamuxStreamChannel b = client.open();
    client.writtenFrames().forEach(YamuxFrame::release);
    // Queue data beyond the window so a write is pending when the connection goes.
    Future<Void> pending = a.writeAndFlush(Unpooled.buffer(300_000).writeZero(300_000));
    client.writtenFrames().forEach(YamuxFrame::release);
    StreamProbe probeA = probeOf(a);
    client.channel.close();
    client.channel.runPendingTasks();
    assertThat(a.isOpen()).isFalse();
    assertThat(b.isOpen()).isFalse();
    assertThat(pending.isSuccess()).isFalse();
    assertThat(probeA.inactive).isDone();
    assertThat(client.writtenHeaders()).containsExactly("YamuxFrame(GO_AWAY stream=0 length=0)");
  }

  @Test
  void configIsValidatedInBuild() {
    Assertions.assertThatThrownBy(() -> YamuxConfig.builder().initialStreamWindow(1000).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialStreamWindow");
    Assertions.assertThatThrownBy(
            () -> YamuxConfig.builder().initialStreamWindow(1 << 20).maxStreamWindow(1 << 19).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxStreamWindow");
    Assertions.assertThatThrownBy(() -> YamuxConfig.builder().streamWriteBufferWaterMark(10, 5).build())
        .isInstanceOf(IllegalArgumentException.class);
    Assertions.assertThatThrownBy(() -> YamuxConfig.builder().pingTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class);
    YamuxConfig d = YamuxConfig.DEFAULT;
    assertThat(d.initialStreamWindow()).isEqualTo(256 * 1024);
    assertThat(d.maxStreamWindow()).isEqualTo(16 * 1024 * 1024);
    assertThat(d.maxConnectionWindowGrowth()).isEqualTo(32L * 1024 * 1024);
    assertThat(d.maxUnackedOutboundStreams()).isEqualTo(256);
    assertThat(d.keepAliveInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.toBuilder().build().toString()).isEqualTo(d.toString());
  }

  @Test
  void inboundStreamsAreRefusedWithoutAnInitializer() {
    YamuxSession session = new YamuxSession(false, quiet().build(), null);
    EmbeddedChannel ch = new EmbeddedChannel(session);
    YamuxTestPeer raw = new YamuxTestPeer(true, quiet().build(), c -> {});
    peers.add(raw);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0}));
    ByteBuf header = ch.readOutbound();
    assertThat(header.getShort(2)).isEqualTo((short) YamuxFrame.FLAG_RST);
    header.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void controlFramesOwedWhileTheRemoteDoesNotReadAreBoundedExactly() {
    YamuxTestPeer server = peer(false, quiet().maxPendingControlFrames(3).build());
    // Stands for a remote that stopped reading: our outbound buffer stays over its high water mark.
    server.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    for (int i = 1; i <= 3; i++) {
      server.receive(YamuxFrame.ping(YamuxFrame.FLAG_SYN, i));
    }
    assertThat(server.channel.isOpen()).as("three replies owed: at the limit, still open").isTrue();
    assertThat(server.connectionExceptions).isEmpty();

    server.receive(YamuxFrame.ping(YamuxFrame.FLAG_SYN, 4));
    assertThat(server.channel.isOpen()).as("a fourth reply owed: over the limit").isFalse();
    assertThat(server.connectionExceptions).singleElement()
        .isInstanceOf(LimitExceededException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains("maxPendingControlFrames (3)"));
    List<String> written = server.writtenHeaders();
    assertThat(written).as("three replies, the fourth dropped, then go away").hasSize(4);
    assertThat(written.subList(0, 3)).allSatisfy(h -> assertThat(h).startsWith("YamuxFrame(PING ACK"));
    assertThat(written.get(3)).startsWith("YamuxFrame(GO_AWAY").endsWith("length=2)");
  }

  @Test
  void theControlFrameCountStartsAgainOnceTheRemoteReads() {
    YamuxTestPeer server = peer(false, quiet().maxPendingControlFrames(3).build());
    server.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    for (int i = 1; i <= 3; i++) {
      server.receive(YamuxFrame.ping(YamuxFrame.FLAG_SYN, i));
    }
    server.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    server.channel.runPendingTasks();
    server.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    for (int i = 4; i <= 6; i++) {
      server.receive(YamuxFrame.ping(YamuxFrame.FLAG_SYN, i));
    }
    assertThat(server.channel.isOpen()).isTrue();
    assertThat(server.writtenHeaders()).hasSize(6);
  }
}
