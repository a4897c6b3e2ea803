package io.peerlink.core.internal.yamux;

import static io.peerlink.core.internal.yamux.YamuxTestPeer.probeOf;
import static io.peerlink.core.internal.yamux.YamuxTestPeer.pump;
import static io.peerlink.core.internal.yamux.YamuxTestPeer.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ChannelOutputShutdownException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stream channel behaviour: flow control, half-close, close, reset, writability. */
class YamuxStreamChannelTest {

  private static final int WINDOW = YamuxConfig.SPEC_INITIAL_WINDOW;
  private final List<YamuxTestPeer> peers = new ArrayList<>();

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

  private static byte patternAt(long offset) {
    return (byte) ((offset * 31 + 7) % 251);
  }

  @Test
  void slowReaderThrottlesTheSenderToTheWindowThrough10MiB() {
    YamuxTestPeer client = peer(true, quiet().build(), ch -> {});
    YamuxTestPeer server = peer(false, quiet().build(), ch -> ch.config().setAutoRead(false));
    YamuxStreamChannel out = client.open();
    int total = 10 * 1024 * 1024;
    int chunk = 64 * 1024;
    List<ChannelFuture> writes = new ArrayList<>();
    for (int offset = 0; offset < total; offset += chunk) {
      byte[] bytes = new byte[chunk];
      for (int i = 0; i < chunk; i++) {
        bytes[i] = patternAt(offset + i);
      }
      writes.add(out.write(Unpooled.wrappedBuffer(bytes)));
    }
    out.flush();
    pump(client, server);
    YamuxStreamChannel in = server.accepted.get(0);
    StreamProbe reader = probeOf(in);

    // Nobody has read: exactly one window is in flight and the sender is blocked by it.
    assertThat(reader.receivedBytes()).isZero();
    assertThat(in.bufferedInboundBytes()).isEqualTo(WINDOW);
    assertThat(out.sendWindow()).isZero();
    assertThat(out.isWritable()).isFalse();
    assertThat(writes.get(writes.size() - 1).isDone()).isFalse();

    int rounds = 0;
    while (reader.receivedBytes() < total) {
      in.read();
      pump(client, server);
      rounds++;
      assertThat(in.bufferedInboundBytes()).isLessThanOrEqualTo(in.receiveWindow());
      long unread = in.bufferedInboundBytes();
      long inFlight = WINDOW - out.sendWindow();
      assertThat(inFlight).isLessThanOrEqualTo(in.receiveWindow());
      if (total - reader.receivedBytes() - unread > 0) {
        assertThat(out.sendWindow()).as("sender waits for the reader").isZero();
        assertThat(out.isWritable()).isFalse();
      }
      assertThat(rounds).isLessThan(1000);
    }
    assertThat(rounds).isGreaterThanOrEqualTo(total / WINDOW);
    assertThat(writes).allSatisfy(f -> assertThat(f.isSuccess()).isTrue());
    byte[] got = new byte[total];
    reader.received.getBytes(0, got);
    for (int i = 0; i < total; i++) {
      if (got[i] != patternAt(i)) {
        throw new AssertionError("byte " + i + " differs");
      }
    }
    assertThat(out.isWritable()).isTrue();
    assertThat(probeOf(out).writabilityChanges).isPositive();
  }

  @Test
  void windowLargerThan256KiBIsGrantedWithTheAckAndHonouredBySender() {
    int big = 1024 * 1024;
    YamuxTestPeer client = peer(true, quiet().build(), ch -> {});
    YamuxTestPeer server = peer(false, quiet().initialStreamWindow(big).build(),
        ch -> ch.config().setAutoRead(false));
    YamuxStreamChannel out = client.open();
    pump(client, server);
    YamuxStreamChannel in = server.accepted.get(0);
    in.read(); // accepts the stream: ACK carries the extra window
    pump(client, server);
    assertThat(out.sendWindow()).isEqualTo(big);
    out.writeAndFlush(Unpooled.buffer(big + 10).writeZero(big + 10));
    pump(client, server);
    // The read() that accepted the stream also asked for the first frame.
    assertThat(probeOf(in).receivedBytes()).isEqualTo(64 * 1024);
    assertThat(in.bufferedInboundBytes() + probeOf(in).receivedBytes()).isEqualTo(big);
    assertThat(out.sendWindow()).isZero();
  }

  @Test
  void largerInitialWindowIsAnnouncedWithTheSyn() {
    int big = 512 * 1024;
    YamuxTestPeer client = peer(true, quiet().initialStreamWindow(big).build(), ch -> {});
    YamuxTestPeer server = peer(false, quiet().build(), ch -> {});
    client.open();
    pump(client, server);
    assertThat(server.accepted.get(0).sendWindow()).isEqualTo(big);
  }

  @Test
  void windowUpdatesAreBatchedUntilHalfTheWindowIsConsumed() {
    YamuxTestPeer client = peer(true, quiet().build(), ch -> {});
    YamuxTestPeer server = peer(false, quiet().build(), ch -> {});
    YamuxStreamChannel out = client.open();
    pump(client, server);
    out.writeAndFlush(Unpooled.buffer(WINDOW / 2 - 1).writeZero(WINDOW / 2 - 1));
    pump(client, server);
    assertThat(out.sendWindow()).isEqualTo(WINDOW / 2 + 1); // no update yet
    out.writeAndFlush(Unpooled.buffer(1).writeZero(1));
    pump(client, server);
    assertThat(out.sendWindow()).isEqualTo(WINDOW);
  }

  @Test
  void halfCloseBothWays() {
    Consumer<Channel> halfClose = ch -> ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    YamuxTestPeer client = peer(true, quiet().build(), halfClose);
    YamuxTestPeer server = peer(false, quiet().build(), halfClose);
    YamuxStreamChannel out = client.open();
    out.config().setAllowHalfClosure(true);
    out.write(text("request"));
    ChannelFuture fin = out.shutdownOutput();
    pump(client, server);
    assertThat(fin.isSuccess()).isTrue();
    assertThat(out.isOutputShutdown()).isTrue();
    assertThat(out.write(text("x")).cause()).isInstanceOf(ChannelOutputShutdownException.class);

    YamuxStreamChannel in = server.accepted.get(0);
    StreamProbe inProbe = probeOf(in);
    assertThat(inProbe.text()).isEqualTo("request");
    assertThat(inProbe.userEvents).containsExactly(
        ChannelInputShutdownEvent.INSTANCE, ChannelInputShutdownReadComplete.INSTANCE);
    assertThat(in.isInputShutdown()).isTrue();
    assertThat(in.isOpen()).isTrue();

    in.writeAndFlush(text("response"));
    in.shutdownOutput();
    pump(client, server);
    StreamProbe outProbe = probeOf(out);
    assertThat(outProbe.text()).isEqualTo("response");
    assertThat(outProbe.userEvents).containsExactly(
        ChannelInputShutdownEvent.INSTANCE, ChannelInputShutdownReadComplete.INSTANCE);
    assertThat(out.isShutdown()).isTrue();
    assertThat(in.isShutdown()).isTrue();

    out.close();
    in.close();
    pump(client, server);
    assertThat(client.session.streamCount()).isZero();
    assertThat(server.session.streamCount()).isZero();
    assertThat(inProbe.exceptions).isEmpty();
    assertThat(outProbe.exceptions).isEmpty();
  }

  @Test
  void remoteFinWithoutHalfClosureClosesAfterBufferedDataIsRead() {
    YamuxTestPeer client = peer(true, quiet().build(), ch -> {});
    YamuxTestPeer server = peer(false, quiet().build(), ch -> ch.config().setAutoRead(false));
    YamuxStreamChannel out = client.open();
    out.write(text("last words"));
    out.shutdownOutput();
    pump(client, server);
    YamuxStreamChannel in = server.accepted.get(0);
    StreamProbe probe = probeOf(in);
    assertThat(in.isOpen()).as("data still buffered").isTrue();
    in.read();
    server.channel.runPendingTasks();
    assertThat(probe.text()).isEqualTo("last words");
    in.read(); // the next read sees the end of the stream
    server.channel.runPendingTasks();
    assertThat(in.isOpen()).isFalse();
    assertThat(probe.inactive).isDone();
    assertThat(probe.userEvents).isEmpty();
  }

  @Test
  void shutdownOutputSendsFinOnlyAfterWindowBlockedDataIsSent() {
    YamuxTestPeer client = peer(true, quiet().build(), ch -> {});
    YamuxTestPeer server = peer(false, quiet().build(),
        ch -> ch.config().setAutoRead(false).setOption(ChannelOption.ALLOW_HALF_CLOSURE, true));
    YamuxStreamChannel out = client.open();
    int size = WINDOW + 1000;
    out.write(Unpooled.buffer(size).writeZero(size));
    ChannelFuture fin = out.shutdownOutput();
    pump(client, server);
    assertThat(fin.isDone()).isFalse();
    YamuxStreamChannel in = server.accepted.get(0);
    StreamProbe probe = probeOf(in);
    while (!probe.userEvents.contains(ChannelInputShutdownEvent.INSTANCE)) {
      in.read();
      pump(client, server);
    }
    assertThat(probe.receivedBytes()).isEqualTo(size);
    assertThat(fin.isSuccess()).isTrue();
  }

  @Test
  void localResetReachesTheRemoteOnceAndFailsItsPendingWrites() {
    YamuxTestPeer client = peer(true, quiet().build(), ch -> {});
    YamuxTestPeer server = peer(false, quiet().build(), ch -> ch.config().setAutoRead(false));
    YamuxStreamChannel out = client.open();
    pump(client, server);
    YamuxStreamChannel in = server.accepted.get(0);
    // Both sides have writes queued beyond the window when the reset happens.
    ChannelFuture pendingOnServer = in.writeAndFlush(Unpooled.buffer(2 * WINDOW).writeZero(2 * WINDOW));
    ChannelFuture pendingOnClient = out.writeAndFlush(Unpooled.buffer(2 * WINDOW).writeZero(2 * WINDOW));
    pump(client, server);
    assertThat(pendingOnClient.isDone()).isFalse();
    StreamProbe clientProbe = probeOf(out);
    StreamProbe serverProbe = probeOf(in);

    out.reset();
    pump(client, server);
    assertThat(out.isOpen()).isFalse();
    assertThat(pendingOnClient.cause()).isInstanceOf(StreamResetException.class);
    assertThat(clientProbe.exceptions).as("a local reset is not reported to the resetter").isEmpty();

    assertThat(in.isOpen()).isFalse();
    assertThat(serverProbe.exceptions).singleElement().isInstanceOfSatisfying(StreamResetException.class,
        e -> {
          assertThat(e.isRemote()).isTrue();
          assertThat(e.streamId()).isEqualTo(1);
        });
    assertThat(pendingOnServer.isDone()).isTrue(); // the server had room for it: sent before the RST
    assertThat(client.session.streamCount()).isZero();
    assertThat(server.session.streamCount()).isZero();
  }

  @Test
  void remoteResetFailsPendingWritesAndReleasesBufferedData() {
    YamuxTestPeer client = peer(true, quiet().build(), ch -> {});
    YamuxTestPeer server = peer(false, quiet().build(), ch -> ch.config().setAutoRead(false));
    YamuxStreamChannel out = client.open();
    ChannelFuture blocked = out.writeAndFlush(Unpooled.buffer(WINDOW + 5).writeZero(WINDOW + 5));
    pump(client, server);
    YamuxStreamChannel in = server.accepted.get(0);
    assertThat(in.bufferedInboundBytes()).isEqualTo(WINDOW);
    StreamProbe clientProbe = probeOf(out);
    in.reset(); // buffered inbound must be released (the leak detector checks)
    pump(client, server);
    assertThat(in.isOpen()).isFalse();
    assertThat(out.isOpen()).isFalse();
    assertThat(blocked.cause()).isInstanceOfSatisfying(StreamResetException.class,
        e -> assertThat(e.isRemote()).isTrue());
    assertThat(clientProbe.exceptions).singleElement().isInstanceOf(StreamResetException.class);
  }

  @Test
  void closeSendsFinAndDataArrivingAfterwardsIsAnsweredWithRst() {
    YamuxTestPeer client = peer(true, quiet().build(), ch -> {});
    YamuxTestPeer server = peer(false, quiet().build(),
        ch -> ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true));
    YamuxStreamChannel out = client.open();
    out.writeAndFlush(text("bye"));
    pump(client, server);
    out.close();
    client.channel.runPendingTasks();
    assertThat(client.writtenHeaders()).containsExactly("YamuxFrame(WINDOW_UPDATE FIN stream=1 length=0)");
    assertThat(client.session.streamCount()).as("remembered until the remote finishes").isOne();

    // writtenHeaders() consumed the client's FIN; hand the same frame to the server.
    server.receive(YamuxFrame.windowUpdate(1, YamuxFrame.FLAG_FIN, 0));
    YamuxStreamChannel in = server.accepted.get(0);
    StreamProbe probe = probeOf(in);
    assertThat(probe.userEvents).contains(ChannelInputShutdownEvent.INSTANCE);
    in.writeAndFlush(text("too late"));
    pump(client, server);
    assertThat(client.session.streamCount()).isZero();
    assertThat(in.isOpen()).isFalse();
    assertThat(probe.exceptions).singleElement().isInstanceOf(StreamResetException.class);
  }

  @Test
  void closeWithDataStillWaitingForWindowSendsRstNotFin() {
    YamuxTestPeer client = peer(true, quiet().build(), ch -> {});
    YamuxStreamChannel out = client.open();
    ChannelFuture blocked = out.writeAndFlush(Unpooled.buffer(WINDOW + 1).writeZero(WINDOW + 1));
    client.writtenFrames().forEach(YamuxFrame::release);
    out.close();
    client.channel.runPendingTasks();
    assertThat(client.writtenHeaders()).containsExactly("YamuxFrame(WINDOW_UPDATE RST stream=1 length=0)");
    assertThat(blocked.isSuccess()).isFalse();
    assertThat(client.session.streamCount()).isZero();
  }

  @Test
  void closingAnUnacceptedInboundStreamAcksAndFinishesIt() {
    YamuxTestPeer server = peer(false, quiet().build(), ch -> ch.config().setAutoRead(false));
    server.receive(YamuxFrame.windowUpdate(1, YamuxFrame.FLAG_SYN, 0));
    server.accepted.get(0).close();
    server.channel.runPendingTasks();
    assertThat(server.writtenHeaders()).containsExactly("YamuxFrame(WINDOW_UPDATE ACK FIN stream=1 length=0)");
  }

  @Test
  void parentWritabilityPropagatesToStreams() {
    YamuxTestPeer client = peer(true, quiet().build(), ch -> {});
    YamuxStreamChannel out = client.open();
    assertThat(out.isWritable()).isTrue();
    client.channel.unsafe().outboundBuffer().setUserDefinedWritability(5, false);
    client.channel.runPendingTasks();
    assertThat(out.isWritable()).isFalse();
    assertThat(probeOf(out).writabilityChanges).isOne();
    client.channel.unsafe().outboundBuffer().setUserDefinedWritability(5, true);
    client.channel.runPendingTasks();
    assertThat(out.isWritable()).isTrue();
  }

  @Test
  void streamsWaitWhileTheConnectionIsUnwritableAndTakeTurnsWhenItDrains() {
    YamuxTestPeer client = peer(true, quiet().build(), ch -> {});
    YamuxStreamChannel a = client.open();
    YamuxStreamChannel b = client.open();
    client.writtenFrames().forEach(YamuxFrame::release); // the SYNs
    // The connection fills with each data frame and drains only when the test says so.
    List<Long> dataFrames = new ArrayList<>();
    String session = client.channel.pipeline().context(YamuxSession.class).name();
    client.channel.pipeline().addBefore(session, "fills", new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof YamuxFrame f && f.type() == YamuxFrame.TYPE_DATA) {
          dataFrames.add(f.streamId());
          ctx.channel().unsafe().outboundBuffer().setUserDefinedWritability(5, false);
        }
        ctx.write(msg, promise);
      }
    });
    int frame = client.session.config().maxDataFrameSize();
    client.channel.unsafe().outboundBuffer().setUserDefinedWritability(5, false);
    a.writeAndFlush(Unpooled.buffer(3 * frame).writeZero(3 * frame));
    b.writeAndFlush(Unpooled.buffer(3 * frame).writeZero(3 * frame));
    client.channel.runPendingTasks();
    assertThat(dataFrames).isEmpty();
    for (int i = 0; i < 6; i++) {
      client.channel.unsafe().outboundBuffer().setUserDefinedWritability(5, true);
      client.channel.runPendingTasks();
      assertThat(dataFrames).hasSize(i + 1);
    }
    assertThat(dataFrames).containsExactly(a.streamId(), b.streamId(), a.streamId(), b.streamId(),
        a.streamId(), b.streamId());
    client.channel.unsafe().outboundBuffer().setUserDefinedWritability(5, true);
    client.channel.runPendingTasks();
    assertThat(dataFrames).hasSize(6);
    long sent = client.writtenFrames().stream()
        .filter(f -> f.type() == YamuxFrame.TYPE_DATA)
        .mapToLong(f -> { long n = f.length(); f.release(); return n; }).sum();
    assertThat(sent).isEqualTo(6L * frame);
  }

  @Test
  void oneConnectionFlushPerReadBatchEvenWithManyEchoingStreams() {
    YamuxTestPeer client = peer(true, quiet().build(), ch -> {});
    YamuxTestPeer server = peer(false, quiet().build(), ch -> {});
    int[] flushes = {0};
    server.channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
      @Override
      public void flush(ChannelHandlerContext ctx) {
        flushes[0]++;
        ctx.flush();
      }
    });
    List<YamuxStreamChannel> streams = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      streams.add(client.open());
    }
    pump(client, server);
    server.accepted.forEach(ch -> probeOf(ch).echo = true);
    flushes[0] = 0;
    for (YamuxStreamChannel s : streams) {
      s.writeAndFlush(text("ping " + s.streamId()));
    }
    YamuxTestPeer.transfer(client.channel, server.channel); // one read batch on the server
    assertThat(flushes[0]).isOne();
    pump(client, server);
    for (YamuxStreamChannel s : streams) {
      assertThat(probeOf(s).text()).isEqualTo("ping " + s.streamId());
    }
  }

  @Test
  void onlyByteBufsAreWritableAndHalfClosureIsAnOption() {
    YamuxTestPeer client = peer(true, quiet().build(), ch -> {});
    YamuxStreamChannel out = client.open();
    assertThat(out.writeAndFlush("a string").cause()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(out.config().getOption(ChannelOption.ALLOW_HALF_CLOSURE)).isFalse();
    assertThat(out.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true)).isTrue();
    assertThat(out.config().isAllowHalfClosure()).isTrue();
    assertThat(out.config().getWriteBufferHighWaterMark()).isEqualTo(64 * 1024);
    assertThat(out.localAddress()).isEqualTo(client.channel.localAddress());
  }
}
