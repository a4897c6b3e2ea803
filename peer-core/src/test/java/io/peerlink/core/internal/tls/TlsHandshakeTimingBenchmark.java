package io.peerlink.core.internal.tls;

import static io.peerlink.core.internal.tls.TlsLoopback.WAIT_SECONDS;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.TlsEngine;
import io.peerlink.core.identity.Identity;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Handshake and setup costs on loopback, for both engines, printed to the test output. Opt-in,
 * because timings under PARANOID leak tracking and a shared CI machine assert nothing:
 * {@code mvn -o -pl peer-core test -Dtest=TlsHandshakeTimingBenchmark -Dpeerlink.bench=true
 * -Dnetty.leak.level=disabled -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "peerlink.bench", matches = "true")
class TlsHandshakeTimingBenchmark {
  // Enough rounds for the JIT to compile the TLS and EC code before we measure.
  private static final int WARMUP = 200;
  private static final int RUNS = 50;

  @Test
  void measure() throws Exception {
    Identity serverId = Identity.generate();
    Identity clientId = Identity.generate();

    report("certificate generation (P-256 key, Ed25519 + ECDSA signatures)", 200,
        () -> time(() -> Libp2pCertificates.generate(clientId)));

    CertifiedKey ck = Libp2pCertificates.generate(clientId);
    X509Certificate[] chain = {ck.certificate()};
    report("certificate verification (ECDSA self-signature + Ed25519 host signature)", 200,
        () -> time(() -> {
          try {
            Libp2pCertificates.verify(chain);
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        }));
    HostCertificate host = HostCertificate.fixed(ck);
    for (TlsEngine engine : List.of(TlsEngine.JAVA, TlsEngine.NATIVE)) {
      report("SslContext + SslHandler per connection, " + engine, 200,
          () -> time(() -> newContextAndHandler(host, engine)));
      SslContext shared = newContext(host, engine);
      report("SslHandler from a shared SslContext, " + engine, 200,
          () -> time(() -> release(shared.newHandler(ByteBufAllocator.DEFAULT))));
    }

    for (TlsEngine engine : List.of(TlsEngine.JAVA, TlsEngine.NATIVE)) {
      try (TlsLoopback net = new TlsLoopback()) {
        TlsSecurity server =
            TlsSecurity.builder(serverId).muxers(List.of("/yamux/1.0.0")).engine(engine).build();
        TlsSecurity client =
            TlsSecurity.builder(clientId).muxers(List.of("/yamux/1.0.0")).engine(engine).build();
        InetSocketAddress addr = net.listen(server);
        report("loopback handshake, connect to both SecureSessions, " + engine, RUNS,
            () -> {
              long t0 = System.nanoTime();
              try {
                TlsLoopback.Recorder c = net.dial(addr, client, serverId.peerId());
                c.session.get(WAIT_SECONDS, TimeUnit.SECONDS);
                net.nextAccepted().session.get(WAIT_SECONDS, TimeUnit.SECONDS);
                long elapsed = System.nanoTime() - t0;
                c.channel.get().close().sync();
                return elapsed;
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
      }
    }
  }

  private static SslContext newContext(HostCertificate host, TlsEngine engine) {
    try {
      SslContextBuilder b = SslContextBuilder.forServer(new Libp2pKeyManager(host))
          .protocols(TlsSecurity.TLS_13)
          .ciphers(TlsSecurity.CIPHER_SUITES)
          .clientAuth(ClientAuth.REQUIRE)
          .trustManager(new Libp2pTrustManager());
      if (engine == TlsEngine.NATIVE) {
        b.sslProvider(SslProvider.OPENSSL);
      } else {
        b.sslProvider(SslProvider.JDK).sslContextProvider(TlsEngineProvider.JSSE);
      }
      return b.build();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void newContextAndHandler(HostCertificate host, TlsEngine engine) {
    SslContext context = newContext(host, engine);
    release(context.newHandler(ByteBufAllocator.DEFAULT));
    ReferenceCountUtil.release(context);
  }

  private static void release(SslHandler handler) {
    ReferenceCountUtil.release(handler.engine());
  }

  private static long time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return System.nanoTime() - t0;
  }

  private static void report(String what, int runs, LongSupplier sample) {
    for (int i = 0; i < WARMUP; i++) {
      sample.getAsLong();
    }
    long[] ns = new long[runs];
    for (int i = 0; i < runs; i++) {
      ns[i] = sample.getAsLong();
    }
    Arrays.sort(ns);
    System.out.printf(
        "%-90s median %8.3f ms  p10 %8.3f  p90 %8.3f  (n=%d)%n",
        what, ns[runs / 2] / 1e6, ns[runs / 10] / 1e6, ns[runs * 9 / 10] / 1e6, runs);
  }
}
