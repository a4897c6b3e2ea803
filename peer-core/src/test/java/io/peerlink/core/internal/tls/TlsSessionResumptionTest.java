package io.peerlink.core.internal.tls;

import static io.peerlink.core.internal.tls.TlsLoopback.WAIT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.peerlink.core.TlsEngine;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.security.SecureSession;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared {@code SslContext}s never let a session be resumed: a resumed handshake would skip the
 * libp2p certificate checks. The client here is the JDK's own TLS 1.3 engine, which keeps the
 * tickets it gets per host and port and offers them on the next connection to the same place; the
 * control shows it resumes that way against a server that issues tickets (Netty turns them on for
 * its native TLS 1.3 engines unless told otherwise, which is how this test found them on ours).
 */
class TlsSessionResumptionTest {
  private final Identity serverId = Identity.generate();
  private final Identity clientId = Identity.generate();
  private final CertifiedKey clientCert = Libp2pCertificates.generate(clientId);
  private TlsLoopback net;

  @BeforeEach
  void start() {
    net = new TlsLoopback();
  }

  @AfterEach
  void stop() throws InterruptedException {
    net.close();
  }

  static Stream<TlsEngine> engines() {
    return TlsEnginesUnderTest.engines();
  }

  private SslContext resumingJdkClient() throws Exception {
    return SslContextBuilder.forClient()
        .sslProvider(SslProvider.JDK)
        .protocols("TLSv1.3")
        .keyManager(clientCert.privateKey(), clientCert.certificate())
        .trustManager(InsecureTrustManagerFactory.INSTANCE)
        .endpointIdentificationAlgorithm(null)
        .build();
  }

  @ParameterizedTest
  @MethodSource("engines")
  void everyConnectionGetsAFullHandshakeWithTheCertificateChecks(TlsEngine engine) throws Exception {
    TlsSecurity server = TlsSecurity.builder(serverId).engine(engine).build();
    InetSocketAddress addr = net.listen(server);
    SslContext client = resumingJdkClient();
    for (int i = 0; i < 3; i++) {
      TlsLoopback.Recorder[] atServer = new TlsLoopback.Recorder[1];
      Channel ch = connect(addr, client, "echo:x", () -> atServer[0] = net.nextAccepted());
      // The server checked this client's certificate again: a resumed session has none to check,
      // and the handshake handler fails such a handshake.
      SecureSession s = atServer[0].session.get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(s.remotePeerId()).isEqualTo(clientId.peerId());
      ch.close().sync();
    }
  }

  @Test
  void controlTheSameClientResumesWhereTheServerLetsIt() throws Exception {
    // A JDK server that issues tickets and, like ours, requires a client certificate: on the
    // second connection the client offers its ticket, and the server skips the certificate check.
    CertifiedKey serverCert = Libp2pCertificates.generate(serverId);
    AtomicInteger checks = new AtomicInteger();
    SslContext ticketing = SslContextBuilder.forServer(serverCert.privateKey(), serverCert.certificate())
        .sslProvider(SslProvider.JDK)
        .protocols("TLSv1.3")
        .clientAuth(ClientAuth.REQUIRE)
        .trustManager(new CountingTrustManager(checks))
        .build();
    InetSocketAddress addr = net.listenRaw(ch -> {
      ch.pipeline().addLast(ticketing.newHandler(ch.alloc()));
      ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          ctx.writeAndFlush(msg); // echo, so the client reads what follows the handshake
        }
      });
    });
    SslContext client = resumingJdkClient();
    connect(addr, client, "x", () -> null).close().sync();
    connect(addr, client, "x", () -> null).close().sync();
    assertThat(checks).as("client certificate checks in two handshakes").hasValue(1);
  }

  /** Trusts every certificate and counts the checks. */
  private static final class CountingTrustManager extends X509ExtendedTrustManager {
    private final AtomicInteger checks;

    CountingTrustManager(AtomicInteger checks) {
      this.checks = checks;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      checks.incrementAndGet();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      checks.incrementAndGet();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      checks.incrementAndGet();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** Connects, completes the handshake and one echo, so post-handshake messages have arrived. */
  private Channel connect(
      InetSocketAddress addr, SslContext client, String reply, Callable<TlsLoopback.Recorder> server)
      throws Exception {
    TlsLoopback.Recorder r = new TlsLoopback.Recorder(false);
    Channel ch = net.connectRaw(addr, c -> {
      c.pipeline().addLast(client.newHandler(c.alloc(), addr.getHostString(), addr.getPort()));
      c.pipeline().addLast(r);
    });
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    assertThat(ssl.handshakeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(ssl.handshakeFuture().cause()).isNull();
    TlsLoopback.Recorder atServer = server.call();
    if (atServer != null) {
      try {
        atServer.session.get(WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw new AssertionError("the server's handshake failed: "
            + atServer.error.getNow(null), atServer.error.getNow(null));
      }
    }
    var echoed = r.expect(reply.length());
    ch.writeAndFlush(Unpooled.copiedBuffer("x", StandardCharsets.UTF_8));
    assertThat(echoed.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(reply);
    return ch;
  }
}
