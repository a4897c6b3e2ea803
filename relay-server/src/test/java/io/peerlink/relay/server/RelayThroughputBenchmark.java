package io.peerlink.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.Connector;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.Stream;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.internal.circuit.CircuitMessageReader;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Throughput of one stream sent through a peerlink relay circuit (limiter unlimited) against the
 * same stream sent directly, in one run on loopback: source, relay and target all in this JVM,
 * each connection secured with the default (TLS) and multiplexed with yamux. Opt in:
 *
 * <pre>
 * mvn -q -o -pl relay-core,relay-server -am test -Dtest=RelayThroughputBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dpeerlink.bench=true -Dnetty.leak.level=disabled \
 *     [-Dpeerlink.bench.mib=256]
 * </pre>
 *
 * <p>({@code -Dnetty.leak.level=disabled}: the build's paranoid leak detection tracks every buffer
 * and would be measured too.)
 *
 * <p>Prints {@code [bench] ...} lines: MiB/s of each run, the median of each mode and their
 * ratio. The relayed path decrypts and re-encrypts every byte at the relay and crosses two TCP
 * connections, so on a shared machine it is expected to reach roughly half of direct.
 */
@EnabledIfSystemProperty(named = "peerlink.bench", matches = "true")
class RelayThroughputBenchmark {
  private static final String SINK = "/peerlink/bench-sink/1.0.0";
  private static final byte[] CHUNK = new byte[64 * 1024];
  private static final int RUNS = 5;

  @Test
  void relayedVersusDirect() throws Exception {
    long bytes = Long.getLong("peerlink.bench.mib", 256) << 20;
    RelayServer relay = RelayServer.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .limiter(RelayLimiter.unlimited())
        .publicAddressFilter(AddressFilter.everything())
        .build();
    relay.start().get(20, TimeUnit.SECONDS);
    Listener direct = Listener.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(SINK, s -> s.channel().pipeline().addLast(new Sink()))
        .build();
    direct.start().get(20, TimeUnit.SECONDS);
    Identity targetId = Identity.generate();
    try (Connector source = Connector.builder(Identity.generate()).build();
         Connector target = Connector.builder(targetId)
             .handler(CircuitMessages.STOP_PROTOCOL, RelayThroughputBenchmark::acceptStop).build()) {
      Peer toDirect = source.connect(direct.listenAddresses().get(0).withPeerId(direct.peerId())).get(20, TimeUnit.SECONDS);
      Multiaddr relayAddr = relay.listener().listenAddresses().get(0);
      Peer targetToRelay = target.connect(relayAddr).get(20, TimeUnit.SECONDS);
      HopMessage rsvp = HopTestPeer.reserve(targetToRelay).get(20, TimeUnit.SECONDS);
      assertThat(CircuitMessages.fromProto(rsvp.getStatus())).isEqualTo(RelayStatus.OK);
      Peer sourceToRelay = source.connect(relayAddr).get(20, TimeUnit.SECONDS);

      Supplier<CompletableFuture<Long>> directRun = () -> sendDirect(toDirect, bytes);
      Supplier<CompletableFuture<Long>> relayedRun = () -> sendRelayed(sourceToRelay, targetId.peerId(), bytes);
      // Warm both paths up (JIT, buffer pools, TLS), then alternate so drift hits both alike.
      measure(directRun, bytes);
      measure(relayedRun, bytes);
      List<Double> d = new ArrayList<>();
      List<Double> r = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) {
        d.add(measure(directRun, bytes));
        r.add(measure(relayedRun, bytes));
      }
      double dm = median(d);
      double rm = median(r);
      System.out.printf("[bench] %d MiB per run, %d runs each, %d cores%n", bytes >> 20, RUNS,
          Runtime.getRuntime().availableProcessors());
      System.out.printf("[bench] direct  MiB/s: %s (median %.0f)%n", fmt(d), dm);
      System.out.printf("[bench] relayed MiB/s: %s (median %.0f)%n", fmt(r), rm);
      System.out.printf("[bench] relayed/direct = %.2f%n", rm / dm);
    } finally {
      relay.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
      direct.close();
    }
  }

  private static double measure(Supplier<CompletableFuture<Long>> run, long bytes) throws Exception {
    long t0 = System.nanoTime();
    long received = run.get().get(120, TimeUnit.SECONDS);
    long ns = System.nanoTime() - t0;
    assertThat(received).isEqualTo(bytes);
    return bytes / (1024.0 * 1024.0) / (ns / 1e9);
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static String fmt(List<Double> xs) {
    return xs.stream().map(x -> String.format("%.0f", x)).toList().toString();
  }

  private static CompletableFuture<Long> sendDirect(Peer peer, long bytes) {
    CompletableFuture<Long> ack = new CompletableFuture<>();
    peer.newStream(SINK, (Stream s) -> s.channel().pipeline().addLast(new Source(bytes, ack)))
        .exceptionally(e -> {
          ack.completeExceptionally(e);
          return null;
        });
    return ack;
  }

  /** CONNECT to {@code target} through the relay; once OK, the hop stream is the circuit. */
  private static CompletableFuture<Long> sendRelayed(Peer relay, PeerId target, long bytes) {
    CompletableFuture<Long> ack = new CompletableFuture<>();
    relay.newStream(CircuitMessages.HOP_PROTOCOL, s -> {
      CircuitMessageReader.addHopReader(s.channel().pipeline());
      s.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          if (msg instanceof HopMessage m && CircuitMessages.fromProto(m.getStatus()) == RelayStatus.OK) {
            ctx.pipeline().replace(this, "source", new Source(bytes, ack));
          } else {
            ReferenceCountUtil.release(msg);
            ack.completeExceptionally(new AssertionError("CONNECT refused: " + msg));
            ctx.close();
          }
        }
      });
      s.channel().writeAndFlush(CircuitMessages.encode(s.channel().alloc(), CircuitMessages.hopConnect(target)));
    }).exceptionally(e -> {
      ack.completeExceptionally(e);
      return null;
    });
    return ack;
  }

  /** The target's stop handler: answer OK, then count what arrives. */
  private static void acceptStop(Stream s) {
    CircuitMessageReader.addStopReader(s.channel().pipeline());
    s.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
        ctx.writeAndFlush(CircuitMessages.encode(ctx.alloc(), CircuitMessages.stopStatus(RelayStatus.OK)));
        ctx.pipeline().replace(this, "sink", new Sink());
      }
    });
  }

  /** Counts bytes; when the sender half-closes, answers the count (8 bytes) and closes. */
  static final class Sink extends ChannelInboundHandlerAdapter {
    private long received;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      received += ((ByteBuf) msg).readableBytes();
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        ctx.writeAndFlush(Unpooled.copyLong(received)).addListener(ChannelFutureListener.CLOSE);
      }
      ReferenceCountUtil.release(evt);
    }
  }

  /** Sends {@code total} bytes as fast as the channel takes them, half-closes, reads the count back. */
  static final class Source extends ChannelInboundHandlerAdapter {
    private final long total;
    private final CompletableFuture<Long> ack;
    private long sent;
    private boolean shut;
    private ByteBuf answer;

    Source(long total, CompletableFuture<Long> ack) {
      this.total = total;
      this.ack = ack;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      answer = ctx.alloc().buffer(8);
      if (ctx.channel().isActive()) {
        pump(ctx);
      }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      answer.release();
    }

    private void pump(ChannelHandlerContext ctx) {
      while (sent < total && ctx.channel().isWritable()) {
        int n = (int) Math.min(CHUNK.length, total - sent);
        ctx.write(Unpooled.wrappedBuffer(CHUNK, 0, n));
        sent += n;
      }
      ctx.flush();
      if (sent == total && !shut) {
        shut = true;
        ((DuplexChannel) ctx.channel()).shutdownOutput();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        pump(ctx);
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      answer.writeBytes(b, Math.min(b.readableBytes(), answer.writableBytes()));
      b.release();
      if (answer.readableBytes() == 8) {
        ack.complete(answer.getLong(0));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ack.completeExceptionally(new IllegalStateException("stream closed after " + sent + " bytes sent, no count"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ack.completeExceptionally(cause);
      ctx.close();
    }
  }
}
