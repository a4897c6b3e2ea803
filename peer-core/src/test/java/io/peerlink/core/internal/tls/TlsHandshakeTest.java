package io.peerlink.core.internal.tls;

import static io.peerlink.core.internal.tls.TlsLoopback.WAIT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.peerlink.core.HandshakeException;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.TlsEngine;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.security.SecureSession;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Full TLS handshakes over real loopback TCP connections, on each engine and across them (a native
 * client against a Java server and the other way round).
 */
class TlsHandshakeTest {
  private static final String YAMUX = "/yamux/1.0.0";
  private static final String MPLEX = "/mplex/6.7.0";

  private final Identity serverId = Identity.generate();
  private final Identity clientId = Identity.generate();
  private TlsLoopback net;

  @BeforeEach
  void start() {
    net = new TlsLoopback();
  }

  @AfterEach
  void stop() throws InterruptedException {
    net.close();
  }

  /** Both engines; the native one is required on the platforms it ships for. */
  static Stream<TlsEngine> engines() {
    return TlsEnginesUnderTest.engines();
  }

  /** Every client engine against every server engine. */
  static Stream<Arguments> enginePairs() {
    return engines().flatMap(c -> engines().map(s -> Arguments.of(c, s)));
  }

  private static TlsSecurity tls(TlsEngine engine, Identity id, String... muxers) {
    return TlsSecurity.builder(id).engine(engine).muxers(List.of(muxers)).build();
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("enginePairs")
  void bothSidesAuthenticateEachOtherAndExchangeBytes(TlsEngine clientEngine, TlsEngine serverEngine)
      throws Exception {
    TlsSecurity server = tls(serverEngine, serverId, YAMUX);
    TlsSecurity client = tls(clientEngine, clientId, YAMUX);
    assertThat(server.engine()).isEqualTo(serverEngine);
    assertThat(client.engine()).isEqualTo(clientEngine);
    InetSocketAddress addr = net.listen(server);
    TlsLoopback.Recorder atClient = net.dial(addr, client, serverId.peerId());
    TlsLoopback.Recorder atServer = net.nextAccepted();

    SecureSession c = atClient.session.get(WAIT_SECONDS, TimeUnit.SECONDS);
    SecureSession s = atServer.session.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(c.remotePeerId()).isEqualTo(serverId.peerId());
    assertThat(c.remoteKey()).isEqualTo(serverId.publicKey());
    assertThat(c.securityProtocol()).isEqualTo("/tls/1.0.0");
    assertThat(c.earlyMuxer()).isEqualTo(YAMUX);
    assertThat(s.remotePeerId()).isEqualTo(clientId.peerId());
    assertThat(s.remoteKey()).isEqualTo(clientId.publicKey());
    assertThat(s.earlyMuxer()).isEqualTo(YAMUX);

    Channel ch = atClient.channel.get();
    var reply = atClient.expect("echo:hello peer".length());
    ch.writeAndFlush(Unpooled.copiedBuffer("hello peer", StandardCharsets.UTF_8));
    assertThat(reply.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("echo:hello peer");

    // The handshake handler is gone; the SslHandler stays and carries the traffic.
    for (Channel end : List.of(ch, atServer.channel.get())) {
      assertThat(end.pipeline().get(TlsSecurity.HANDSHAKE_HANDLER_NAME)).isNull();
      assertThat(end.pipeline().get(TlsSecurity.SSL_HANDLER_NAME)).isInstanceOf(SslHandler.class);
    }
    assertThat(atClient.error).isNotDone();
    assertThat(atServer.error).isNotDone();
    // Nothing is left registered in the shared trust managers once the handshakes are over.
    assertThat(client.verificationsInProgress()).isZero();
    assertThat(server.verificationsInProgress()).isZero();
  }

  @ParameterizedTest
  @MethodSource("engines")
  void negotiatesTls13WithoutSniOrClientHostName(TlsEngine engine) throws Exception {
    InetSocketAddress addr = net.listen(tls(engine, serverId));
    TlsLoopback.Recorder client = net.dial(addr, tls(engine, clientId), serverId.peerId());
    TlsLoopback.Recorder server = net.nextAccepted();
    client.session.get(WAIT_SECONDS, TimeUnit.SECONDS);
    server.session.get(WAIT_SECONDS, TimeUnit.SECONDS);

    SSLEngine clientEngine = engine(client.channel.get());
    SSLSession clientSession = clientEngine.getSession();
    assertThat(clientSession.getProtocol()).isEqualTo("TLSv1.3");
    assertThat(TlsSecurity.CIPHER_SUITES).contains(clientSession.getCipherSuite());
    assertThat(clientEngine.getPeerHost()).isNull();
    assertThat(clientEngine.getNeedClientAuth()).isFalse();

    SSLEngine serverEngine = engine(server.channel.get());
    assertThat(serverEngine.getNeedClientAuth()).isTrue();
    // No SNI: the client has no server names to send (Bouncy Castle's engine, unlike the JDK's,
    // does not report the requested names of a finished session, so we look at the sender).
    assertThat(clientEngine.getSSLParameters().getServerNames()).isNullOrEmpty();
    assertThat(serverEngine.getSession().getPeerCertificates()).hasSize(1);
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("enginePairs")
  void earlyMuxerIsAgreedWhenBothOfferItAndNullWhenOneSideOffersOnlyLibp2p(
      TlsEngine clientEngine, TlsEngine serverEngine) throws Exception {
    assertEarlyMuxer(clientEngine, serverEngine, List.of(YAMUX), List.of(YAMUX), YAMUX);
    assertEarlyMuxer(clientEngine, serverEngine, List.of(), List.of(YAMUX), null);
    assertEarlyMuxer(clientEngine, serverEngine, List.of(YAMUX), List.of(), null);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void serverFollowsTheClientsMuxerPreference(TlsEngine engine) throws Exception {
    // The native server must not fall back to its own order (BoringSSL's default).
    assertEarlyMuxer(engine, engine, List.of(MPLEX, YAMUX), List.of(YAMUX, MPLEX), MPLEX);
    assertEarlyMuxer(engine, engine, List.of(YAMUX, MPLEX), List.of(MPLEX, YAMUX), YAMUX);
  }

  private void assertEarlyMuxer(
      TlsEngine clientEngine, TlsEngine serverEngine,
      List<String> clientMuxers, List<String> serverMuxers, String expected) throws Exception {
    InetSocketAddress addr = net.listen(
        TlsSecurity.builder(serverId).engine(serverEngine).muxers(serverMuxers).build());
    TlsLoopback.Recorder client = net.dial(
        addr, TlsSecurity.builder(clientId).engine(clientEngine).muxers(clientMuxers).build(),
        serverId.peerId());
    TlsLoopback.Recorder server = net.nextAccepted();
    assertThat(client.session.get(WAIT_SECONDS, TimeUnit.SECONDS).earlyMuxer()).isEqualTo(expected);
    assertThat(server.session.get(WAIT_SECONDS, TimeUnit.SECONDS).earlyMuxer()).isEqualTo(expected);
    // On the wire the ALPN result is "libp2p" when no muxer was agreed.
    assertThat(engine(client.channel.get()).getApplicationProtocol())
        .isEqualTo(expected == null ? "libp2p" : expected);
    assertThat(engine(server.channel.get()).getApplicationProtocol())
        .isEqualTo(expected == null ? "libp2p" : expected);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void serverAbortsWhenNoOfferedAlpnProtocolIsSupported(TlsEngine serverEngine) throws Exception {
    InetSocketAddress addr = net.listen(tls(serverEngine, serverId, YAMUX));
    // A client that does not speak libp2p's ALPN at all (the Java engine lets us set it per engine).
    TlsLoopback.Recorder client =
        net.dial(
            addr,
            tls(TlsEngine.JAVA, clientId),
            serverId.peerId(),
            ch -> {
              SSLEngine engine = engine(ch);
              SSLParameters p = engine.getSSLParameters();
              p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
              engine.setSSLParameters(p);
            });
    TlsLoopback.Recorder server = net.nextAccepted();
    assertHandshakeFailure(server, "no common ALPN protocol");
    assertHandshakeFailure(client, "no common ALPN protocol");
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("enginePairs")
  void clientRejectsTheWrongPeer(TlsEngine clientEngine, TlsEngine serverEngine) throws Exception {
    Identity someoneElse = Identity.generate();
    InetSocketAddress addr = net.listen(tls(serverEngine, serverId));
    TlsLoopback.Recorder client = net.dial(addr, tls(clientEngine, clientId), someoneElse.peerId());
    HandshakeException e = assertHandshakeFailure(client, "expected peer " + someoneElse.peerId()
        + " but the remote proved " + serverId.peerId());
    assertThat(e.getCause()).isInstanceOf(SSLException.class);
    assertThat(client.session).isCompletedExceptionally();
    // The server hears the client's alert and gives up too.
    assertHandshakeFailure(net.nextAccepted(), "the remote aborted the TLS handshake");
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("enginePairs")
  void clientRejectsServerCertificateWithoutExtension(TlsEngine clientEngine, TlsEngine serverEngine)
      throws Exception {
    TlsSecurity server =
        TlsSecurity.builder(serverId).engine(serverEngine).certificate(noExtension()).build();
    InetSocketAddress addr = net.listen(server);
    TlsLoopback.Recorder client = net.dial(addr, tls(clientEngine, clientId), serverId.peerId());
    assertHandshakeFailure(client, "lacks the libp2p public key extension");
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("enginePairs")
  void serverRejectsClientCertificateWithoutExtension(TlsEngine clientEngine, TlsEngine serverEngine)
      throws Exception {
    InetSocketAddress addr = net.listen(tls(serverEngine, serverId));
    TlsSecurity client =
        TlsSecurity.builder(clientId).engine(clientEngine).certificate(noExtension()).build();
    TlsLoopback.Recorder atClient = net.dial(addr, client, serverId.peerId());
    TlsLoopback.Recorder atServer = net.nextAccepted();
    assertHandshakeFailure(atServer, "lacks the libp2p public key extension");
    assertThat(atServer.session).isCompletedExceptionally();
    // TLS 1.3: the client has usually finished (and fired its SecureSession) before the server's
    // alert arrives; then the alert reaches it as the engine's SSLException. Either way it closes.
    atClient.closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("enginePairs")
  void clientRejectsAnExtensionSignedByAnotherHostKey(TlsEngine clientEngine, TlsEngine serverEngine)
      throws Exception {
    // The server claims its own peer ID, but the signature over the certificate key is another key's.
    KeyPair key = TestCertificates.p256();
    Identity forger = Identity.generate();
    byte[] forged = forger.sign(TestCertificates.concat(
        Libp2pCertificates.SIGNATURE_PREFIX, key.getPublic().getEncoded()));
    X509Certificate cert = TestCertificates.builder(key)
        .libp2p(TestCertificates.signedKey(serverId.publicKey().marshal(), forged), false)
        .build();
    TlsSecurity server = TlsSecurity.builder(serverId).engine(serverEngine)
        .certificate(new CertifiedKey(key.getPrivate(), cert)).build();
    InetSocketAddress addr = net.listen(server);
    TlsLoopback.Recorder client = net.dial(addr, tls(clientEngine, clientId), serverId.peerId());
    assertHandshakeFailure(client, "the host key's signature over the certificate key does not verify");
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("enginePairs")
  void serverRejectsAnExpiredClientCertificate(TlsEngine clientEngine, TlsEngine serverEngine)
      throws Exception {
    KeyPair key = TestCertificates.p256();
    Instant now = Instant.now();
    X509Certificate expired = TestCertificates.builder(key)
        .validity(now.minus(2, ChronoUnit.DAYS), now.minus(1, ChronoUnit.DAYS))
        .libp2p(TestCertificates.signedKey(clientId, key), false)
        .build();
    InetSocketAddress addr = net.listen(tls(serverEngine, serverId));
    TlsSecurity client = TlsSecurity.builder(clientId).engine(clientEngine)
        .certificate(new CertifiedKey(key.getPrivate(), expired)).build();
    TlsLoopback.Recorder atClient = net.dial(addr, client, serverId.peerId());
    assertHandshakeFailure(net.nextAccepted(), "certificate expired at");
    atClient.closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void slowServerTimesOutTheClientsHandshake(TlsEngine engine) throws Exception {
    // A TCP server that never answers the ClientHello.
    InetSocketAddress addr = net.listenRaw(ch -> ch.pipeline().addLast(new ChannelInboundHandlerAdapter()));
    TlsSecurity client = TlsSecurity.builder(clientId).engine(engine)
        .handshakeTimeout(Duration.ofMillis(200)).build();
    TlsLoopback.Recorder r = net.dial(addr, client, serverId.peerId());
    Throwable e = r.error.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(e).isInstanceOf(PeerTimeoutException.class).hasMessageContaining("200 ms");
    assertThat(((PeerException) e).kind()).isEqualTo(PeerError.TIMEOUT);
    r.closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    // The pipeline is torn down in the event loop task that reported the close: wait it out.
    r.channel.get().eventLoop().submit(() -> { }).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(client.verificationsInProgress()).isZero();
  }

  @ParameterizedTest
  @MethodSource("engines")
  void silentClientTimesOutTheServersHandshake(TlsEngine engine) throws Exception {
    // A client that connects and never sends its ClientHello: the deadline also covers the native
    // server's wait for it.
    TlsSecurity server = TlsSecurity.builder(serverId).engine(engine)
        .handshakeTimeout(Duration.ofMillis(200)).build();
    InetSocketAddress addr = net.listen(server);
    try (Socket silent = new Socket(addr.getAddress(), addr.getPort())) {
      TlsLoopback.Recorder r = net.nextAccepted();
      Throwable e = r.error.get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(e).isInstanceOf(PeerTimeoutException.class).hasMessageContaining("200 ms");
      r.closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(silent.getInputStream().read()).as("the server closed the connection").isEqualTo(-1);
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void oneCertificateServesEveryConnectionOfAHost(TlsEngine engine) throws Exception {
    TlsSecurity server = tls(engine, serverId);
    InetSocketAddress addr = net.listen(server);
    TlsSecurity client = tls(engine, clientId);
    TlsLoopback.Recorder a = net.dial(addr, client, serverId.peerId());
    TlsLoopback.Recorder b = net.dial(addr, client, serverId.peerId());
    TlsLoopback.Recorder atServerA = net.nextAccepted();
    TlsLoopback.Recorder atServerB = net.nextAccepted();
    for (TlsLoopback.Recorder r : List.of(a, b, atServerA, atServerB)) {
      r.session.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    // What each side received is the other's one certificate, byte for byte.
    assertThat(peerCertificate(atServerA)).isEqualTo(peerCertificate(atServerB))
        .isEqualTo(client.certificate().certificate().getEncoded());
    assertThat(peerCertificate(a)).isEqualTo(peerCertificate(b))
        .isEqualTo(server.certificate().certificate().getEncoded());
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("enginePairs")
  void certificatesWithEmptyNamesAsJsMakesThemWorkBothWays(TlsEngine clientEngine, TlsEngine serverEngine)
      throws Exception {
    // js-libp2p's certificates have an empty issuer and subject, which the JDK's own parser refuses
    // (its TLS engine, and any JDK parse of the native engine's lazy certificate wrappers).
    InetSocketAddress addr = net.listen(
        TlsSecurity.builder(serverId).engine(serverEngine).certificate(emptyNames(serverId)).build());
    TlsSecurity client =
        TlsSecurity.builder(clientId).engine(clientEngine).certificate(emptyNames(clientId)).build();
    TlsLoopback.Recorder atClient = net.dial(addr, client, serverId.peerId());
    TlsLoopback.Recorder atServer = net.nextAccepted();
    assertThat(atClient.session.get(WAIT_SECONDS, TimeUnit.SECONDS).remotePeerId())
        .isEqualTo(serverId.peerId());
    assertThat(atServer.session.get(WAIT_SECONDS, TimeUnit.SECONDS).remotePeerId())
        .isEqualTo(clientId.peerId());
    assertThat(new X509CertificateHolder(peerCertificate(atServer)).getIssuer().getRDNs()).isEmpty();
  }

  @Test
  void clientMustNameTheExpectedPeer() {
    EmbeddedChannel ch = new EmbeddedChannel();
    try {
      assertThatThrownBy(() -> tls(TlsEngine.AUTO, clientId).install(ch.pipeline(), null, true, null))
          .isInstanceOf(IllegalArgumentException.class);
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void builderRejectsBadSettings() {
    assertThatThrownBy(() -> TlsSecurity.builder(clientId).handshakeTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TlsSecurity.builder(clientId).muxers(List.of("libp2p")).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TlsSecurity.builder(clientId).maxClientHelloBytes(100).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] peerCertificate(TlsLoopback.Recorder r) throws Exception {
    // getEncoded only: on the native engine any other call would run the JDK's parser.
    return engine(r.channel.get()).getSession().getPeerCertificates()[0].getEncoded();
  }

  private static CertifiedKey noExtension() throws Exception {
    KeyPair key = TestCertificates.p256();
    return new CertifiedKey(key.getPrivate(), TestCertificates.builder(key).build());
  }

  private static CertifiedKey emptyNames(Identity identity) throws Exception {
    KeyPair key = TestCertificates.p256();
    X509Certificate cert =
        TestCertificates.builder(key)
            .names("")
            .libp2p(TestCertificates.signedKey(identity, key), false)
            .build();
    return new CertifiedKey(key.getPrivate(), cert);
  }

  private static SSLEngine engine(Channel ch) {
    return ((SslHandler) ch.pipeline().get(TlsSecurity.SSL_HANDLER_NAME)).engine();
  }

  private static HandshakeException assertHandshakeFailure(TlsLoopback.Recorder r, String reason)
      throws Exception {
    Throwable e = r.error.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(e).isInstanceOf(HandshakeException.class).hasMessageContaining(reason);
    assertThat(((HandshakeException) e).kind()).isEqualTo(PeerError.TLS);
    r.closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    return (HandshakeException) e;
  }
}
