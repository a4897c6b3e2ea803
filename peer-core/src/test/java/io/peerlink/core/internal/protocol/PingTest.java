package io.peerlink.core.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.ProtocolViolationException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PingTest {
  private EmbeddedChannel channel;

  @AfterEach
  void releaseEverything() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private static byte[] sequence(int from, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (from + i);
    }
    return bytes;
  }

  private byte[] drainOutbound() {
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    byte[] bytes = ByteBufUtil.getBytes(all);
    all.release();
    return bytes;
  }

  private static Throwable failure(CompletableFuture<?> future) {
    assertThat(future).isCompletedExceptionally();
    try {
      future.join();
      throw new AssertionError("unreachable");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void handlerEchoesOnlyWhole32BytePayloads() {
    channel = new EmbeddedChannel(new PingHandler());
    byte[] wire = sequence(0, 97);
    channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(wire, 0, 31)));
    assertThat(drainOutbound()).isEmpty();
    channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(wire, 31, 33)));
    assertThat(drainOutbound()).isEqualTo(Arrays.copyOfRange(wire, 0, 32));
    channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(wire, 33, 97)));
    assertThat(drainOutbound()).isEqualTo(Arrays.copyOfRange(wire, 32, 96));
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void handlerFinishesTheCurrentEchoThenClosesOnHalfClose() {
    channel = new EmbeddedChannel(new PingHandler());
    channel.writeInbound(Unpooled.wrappedBuffer(sequence(5, 40)));
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    channel.runPendingTasks();
    assertThat(drainOutbound()).isEqualTo(sequence(5, 32));
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void handlerClosesAnIdleStream() {
    channel = new EmbeddedChannel(new PingHandler(Duration.ofSeconds(10)));
    channel.advanceTimeBy(9, TimeUnit.SECONDS);
    channel.writeInbound(Unpooled.wrappedBuffer(sequence(0, 32)));
    channel.advanceTimeBy(9, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).as("a ping restarts the idle timer").isTrue();
    channel.advanceTimeBy(2, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void clientMeasuresRoundTripsRepeatedlyOnOneStream() {
    PingClient client = new PingClient(Duration.ofSeconds(5));
    channel = new EmbeddedChannel(client);
    for (int i = 0; i < 3; i++) {
      CompletableFuture<Duration> rtt = client.ping();
      byte[] sent = drainOutbound();
      assertThat(sent).hasSize(32);
      assertThat(rtt).isNotDone();
      channel.writeInbound(Unpooled.wrappedBuffer(sent));
      assertThat(rtt).isCompleted();
      assertThat(rtt.join().isNegative()).isFalse();
    }
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void clientSendsDifferentRandomPayloads() {
    PingClient client = new PingClient(Duration.ofSeconds(5));
    channel = new EmbeddedChannel(client);
    client.ping();
    byte[] first = drainOutbound();
    channel.writeInbound(Unpooled.wrappedBuffer(first));
    client.ping();
    assertThat(drainOutbound()).isNotEqualTo(first);
  }

  @Test
  void clientFailsAndClosesOnAMismatchedReply() {
    PingClient client = new PingClient(Duration.ofSeconds(5));
    channel = new EmbeddedChannel(client);
    CompletableFuture<Duration> rtt = client.ping();
    byte[] sent = drainOutbound();
    sent[31] ^= 1;
    channel.writeInbound(Unpooled.wrappedBuffer(sent));
    assertThat(failure(rtt)).isInstanceOf(ProtocolViolationException.class);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void clientRejectsUnsolicitedBytes() {
    channel = new EmbeddedChannel(new PingClient(Duration.ofSeconds(5)));
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[32]));
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void clientRefusesASecondOutstandingPing() {
    PingClient client = new PingClient(Duration.ofSeconds(5));
    channel = new EmbeddedChannel(client);
    client.ping();
    assertThat(failure(client.ping())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void clientTimesOut() {
    PingClient client = new PingClient(Duration.ofSeconds(5));
    channel = new EmbeddedChannel(client);
    CompletableFuture<Duration> rtt = client.ping();
    channel.advanceTimeBy(6, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(failure(rtt)).isInstanceOf(PeerTimeoutException.class);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void clientFailsWhenTheStreamEndsBeforeTheReply() {
    PingClient client = new PingClient(Duration.ofSeconds(5));
    channel = new EmbeddedChannel(client);
    CompletableFuture<Duration> rtt = client.ping();
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[10]));
    channel.close();
    assertThat(failure(rtt)).isInstanceOf(PeerException.class);
  }
}
