package io.peerlink.core.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.peerlink.core.Connector;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.perf.Perf;
import io.peerlink.core.perf.PerfConfig;
import io.peerlink.core.perf.PerfResult;
import io.peerlink.testing.JsPeer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code /perf/1.0.0} against a real js-libp2p 3.x peer, both ways, over TLS and Noise: tens of
 * MiB each way on one stream, the bytes counted on both ends.
 */
class JsPerfInteropTest {
  private static final Duration T = Duration.ofSeconds(120);
  private static final long BYTES = 32L << 20;

  private static PeerConfig config(SecurityProtocol security) {
    return PeerConfig.builder().securityProtocols(security).build();
  }

  private static String jsSecurity(SecurityProtocol security) {
    return security == SecurityProtocol.TLS ? "tls" : "noise";
  }

  @ParameterizedTest
  @EnumSource(value = SecurityProtocol.class, names = {"TLS", "NOISE"}) // the js peer encrypts
  void peerlinkClientAgainstJsServer(SecurityProtocol security) throws Exception {
    try (JsPeer js = JsPeer.start("--security", jsSecurity(security));
        Connector connector = Connector.builder(Identity.generate()).config(config(security)).build()) {
      Peer peer = connector.connect(Multiaddr.parse(js.addr())).get(60, TimeUnit.SECONDS);

      PerfResult r = Perf.measure(peer, BYTES, BYTES).get(T.toSeconds(), TimeUnit.SECONDS);

      assertThat(r.uploadBytes()).isEqualTo(BYTES);
      assertThat(r.downloadBytes()).isEqualTo(BYTES);
      Map<String, Object> served = js.awaitEvent("perf-served", T);
      assertThat(((Number) served.get("uploadBytes")).longValue()).isEqualTo(BYTES);
      assertThat(((Number) served.get("downloadBytes")).longValue()).isEqualTo(BYTES);
    }
  }

  @ParameterizedTest
  @EnumSource(value = SecurityProtocol.class, names = {"TLS", "NOISE"}) // the js peer encrypts
  void jsClientAgainstPeerlinkServer(SecurityProtocol security) throws Exception {
    AtomicLong serverRead = new AtomicLong();
    try (Listener listener = listener(security, counting(serverRead, PerfConfig.defaults()));
        JsPeer js = JsPeer.start("--security", jsSecurity(security))) {
      Map<String, Object> r = js.requestOk(T, "cmd", "perf",
          "addr", listener.listenAddresses().get(0).toString(), "upload", BYTES, "download", BYTES);

      assertThat(((Number) r.get("uploadBytes")).longValue()).isEqualTo(BYTES);
      assertThat(((Number) r.get("downloadBytes")).longValue()).isEqualTo(BYTES);
      assertThat(serverRead.get()).as("header and upload read by peerlink").isEqualTo(BYTES + 8);
    }
  }

  @Test
  void aJsClientAskingOverPeerlinksLimitIsRefused() throws Exception {
    try (Listener listener = listener(SecurityProtocol.NOISE,
            Perf.server(PerfConfig.builder().maxDownloadBytes(1 << 20).build()));
        JsPeer js = JsPeer.start("--security", "noise")) {
      Map<String, Object> r = js.request(Map.of("cmd", "perf",
          "addr", listener.listenAddresses().get(0).toString(), "upload", 0, "download", (1 << 20) + 1), T);
      assertThat(r.get("ok")).isEqualTo(false);
    }
  }

  private static Listener listener(SecurityProtocol security, StreamHandler perf) {
    return Listener.builder(Identity.generate())
        .config(config(security))
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(Perf.PROTOCOL, perf)
        .build().start().join();
  }

  /** The real server, with the bytes it reads counted in front of it. */
  private static StreamHandler counting(AtomicLong read, PerfConfig config) {
    StreamHandler server = Perf.server(config);
    return s -> {
      s.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          read.addAndGet(((ByteBuf) msg).readableBytes());
          ctx.fireChannelRead(msg);
        }
      });
      server.handle(s);
    };
  }
}
