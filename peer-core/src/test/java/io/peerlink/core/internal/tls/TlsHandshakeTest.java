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
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.security.SecureSession;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Full TLS handshakes over real loopback TCP connections. */
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

  private static TlsSecurity tls(Identity id, String... muxers) {
    return TlsSecurity.builder(id).muxers(List.of(muxers)).build();
  }

  @Test
  void bothSidesAuthenticateEachOtherAndExchangeBytes() throws Exception {
    InetSocketAddress addr = net.listen(tls(serverId, YAMUX));
    TlsLoopback.Recorder client = net.dial(addr, tls(clientId, YAMUX), serverId.peerId());
    TlsLoopback.Recorder server = net.nextAccepted();

    SecureSession atClient = client.session.get(WAIT_SECONDS, TimeUnit.SECONDS);
    SecureSession atServer = server.session.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(atClient.remotePeerId()).isEqualTo(serverId.peerId());
    assertThat(atClient.remoteKey()).isEqualTo(serverId.publicKey());
    assertThat(atClient.securityProtocol()).isEqualTo("/tls/1.0.0");
    assertThat(atServer.remotePeerId()).isEqualTo(clientId.peerId());
    assertThat(atServer.remoteKey()).isEqualTo(clientId.publicKey());

    Channel ch = client.channel.get();
    var reply = client.expect("echo:hello peer".length());
    ch.writeAndFlush(Unpooled.copiedBuffer("hello peer", StandardCharsets.UTF_8));
    assertThat(reply.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("echo:hello peer");

    // The handshake handler is gone; the SslHandler stays and carries the traffic.
    assertThat(ch.pipeline().get(TlsSecurity.HANDSHAKE_HANDLER_NAME)).isNull();
    assertThat(ch.pipeline().get(TlsSecurity.SSL_HANDLER_NAME)).isInstanceOf(SslHandler.class);
    assertThat(client.error).isNotDone();
    assertThat(server.error).isNotDone();
  }

  @Test
  void negotiatesTls13WithoutSniOrClientHostName() throws Exception {
    InetSocketAddress addr = net.listen(tls(serverId));
    TlsLoopback.Recorder client = net.dial(addr, tls(clientId), serverId.peerId());
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

  @Test
  void earlyMuxerIsAgreedWhenBothOfferIt() throws Exception {
    assertEarlyMuxer(List.of(YAMUX), List.of(YAMUX), YAMUX);
  }

  @Test
  void earlyMuxerIsNullWhenOneSideOffersOnlyLibp2p() throws Exception {
    assertEarlyMuxer(List.of(), List.of(YAMUX), null);
    assertEarlyMuxer(List.of(YAMUX), List.of(), null);
  }

  @Test
  void serverFollowsTheClientsMuxerPreference() throws Exception {
    assertEarlyMuxer(List.of(MPLEX, YAMUX), List.of(YAMUX, MPLEX), MPLEX);
  }

  private void assertEarlyMuxer(List<String> clientMuxers, List<String> serverMuxers, String expected)
      throws Exception {
    InetSocketAddress addr =
        net.listen(TlsSecurity.builder(serverId).muxers(serverMuxers).build());
    TlsLoopback.Recorder client =
        net.dial(addr, TlsSecurity.builder(clientId).muxers(clientMuxers).build(), serverId.peerId());
    TlsLoopback.Recorder server = net.nextAccepted();
    assertThat(client.session.get(WAIT_SECONDS, TimeUnit.SECONDS).earlyMuxer()).isEqualTo(expected);
    assertThat(server.session.get(WAIT_SECONDS, TimeUnit.SECONDS).earlyMuxer()).isEqualTo(expected);
    // On the wire the ALPN result is "libp2p" when no muxer was agreed.
    assertThat(engine(client.channel.get()).getApplicationProtocol())
        .isEqualTo(expected == null ? "libp2p" : expected);
  }

  @Test
  void serverAbortsWhenNoOfferedAlpnProtocolIsSupported() throws Exception {
    InetSocketAddress addr = net.listen(tls(serverId, YAMUX));
    TlsLoopback.Recorder client =
        net.dial(
            addr,
            tls(clientId),
            serverId.peerId(),
            ch -> {
              // A client that does not speak libp2p's ALPN at all.
              SSLEngine engine = engine(ch);
              SSLParameters p = engine.getSSLParameters();
              p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
              engine.setSSLParameters(p);
            });
    TlsLoopback.Recorder server = net.nextAccepted();
    assertHandshakeFailure(server, "no common ALPN protocol");
    assertHandshakeFailure(client, "no_application_protocol");
  }

  @Test
  void clientRejectsTheWrongPeer() throws Exception {
    Identity someoneElse = Identity.generate();
    InetSocketAddress addr = net.listen(tls(serverId));
    TlsLoopback.Recorder client = net.dial(addr, tls(clientId), someoneElse.peerId());
    HandshakeException e = assertHandshakeFailure(client, "expected peer " + someoneElse.peerId()
        + " but the remote proved " + serverId.peerId());
    assertThat(e.getCause()).isInstanceOf(javax.net.ssl.SSLException.class);
    assertThat(client.session).isCompletedExceptionally();
    // The server hears the client's alert and gives up too.
    assertHandshakeFailure(net.nextAccepted(), "the remote aborted the TLS handshake");
  }

  @Test
  void clientRejectsServerCertificateWithoutExtension() throws Exception {
    TlsSecurity server = TlsSecurity.builder(serverId).certificate(noExtension()).build();
    InetSocketAddress addr = net.listen(server);
    TlsLoopback.Recorder client = net.dial(addr, tls(clientId), serverId.peerId());
    assertHandshakeFailure(client, "lacks the libp2p public key extension");
  }

  @Test
  void serverRejectsClientCertificateWithoutExtension() throws Exception {
    InetSocketAddress addr = net.listen(tls(serverId));
    TlsSecurity client = TlsSecurity.builder(clientId).certificate(noExtension()).build();
    TlsLoopback.Recorder atClient = net.dial(addr, client, serverId.peerId());
    TlsLoopback.Recorder atServer = net.nextAccepted();
    assertHandshakeFailure(atServer, "lacks the libp2p public key extension");
    assertThat(atServer.session).isCompletedExceptionally();
    // TLS 1.3: the client has usually finished (and fired its SecureSession) before the server's
    // alert arrives; then the alert reaches it as the engine's SSLException. Either way it closes.
    atClient.closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void slowPeerTimesOutTheHandshake() throws Exception {
    // A TCP server that never answers the ClientHello.
    InetSocketAddress addr = net.listenRaw(ch -> ch.pipeline().addLast(new ChannelInboundHandlerAdapter()));
    TlsSecurity client =
        TlsSecurity.builder(clientId).handshakeTimeout(Duration.ofMillis(200)).build();
    TlsLoopback.Recorder r = net.dial(addr, client, serverId.peerId());
    Throwable e = r.error.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(e).isInstanceOf(PeerTimeoutException.class).hasMessageContaining("200 ms");
    assertThat(((PeerException) e).kind()).isEqualTo(PeerError.TIMEOUT);
    r.closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void freshCertificatePerConnectionAlsoWorks() throws Exception {
    TlsSecurity server = TlsSecurity.builder(serverId).certificatePerConnection(true).build();
    InetSocketAddress addr = net.listen(server);
    TlsSecurity client = TlsSecurity.builder(clientId).certificatePerConnection(true).build();
    TlsLoopback.Recorder a = net.dial(addr, client, serverId.peerId());
    TlsLoopback.Recorder b = net.dial(addr, client, serverId.peerId());
    a.session.get(WAIT_SECONDS, TimeUnit.SECONDS);
    b.session.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(engine(a.channel.get()).getSession().getLocalCertificates()[0])
        .isNotEqualTo(engine(b.channel.get()).getSession().getLocalCertificates()[0]);
  }

  @Test
  void certificatesWithEmptyNamesAsJsMakesThemWorkBothWays() throws Exception {
    // js-libp2p's certificates have an empty issuer and subject, which the JDK's own TLS engine
    // refuses to parse before any trust manager runs (issue 2's js interop).
    InetSocketAddress addr =
        net.listen(TlsSecurity.builder(serverId).certificate(emptyNames(serverId)).build());
    TlsSecurity client = TlsSecurity.builder(clientId).certificate(emptyNames(clientId)).build();
    TlsLoopback.Recorder atClient = net.dial(addr, client, serverId.peerId());
    TlsLoopback.Recorder atServer = net.nextAccepted();
    assertThat(atClient.session.get(WAIT_SECONDS, TimeUnit.SECONDS).remotePeerId())
        .isEqualTo(serverId.peerId());
    assertThat(atServer.session.get(WAIT_SECONDS, TimeUnit.SECONDS).remotePeerId())
        .isEqualTo(clientId.peerId());
    assertThat(engine(atServer.channel.get()).getSession().getPeerCertificates()[0])
        .satisfies(c -> assertThat(((X509Certificate) c).getIssuerX500Principal().getName()).isEmpty());
  }

  @Test
  void clientMustNameTheExpectedPeer() {
    EmbeddedChannel ch = new EmbeddedChannel();
    try {
      assertThatThrownBy(() -> tls(clientId).install(ch.pipeline(), null, true, null))
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
