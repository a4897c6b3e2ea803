package io.peerlink.core.internal.tls;

import static io.peerlink.core.internal.tls.TlsLoopback.WAIT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.HandshakeException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.security.SecureSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our server against a TLS stack that is not the JDK's: {@code openssl s_client} presenting one of
 * our certificates. Shows the certificate, TLS 1.3 without SNI and the client-preference ALPN choice
 * work with a foreign client. Skipped loudly without an {@code openssl} binary, failed under CI.
 */
class TlsOpensslClientTest {
  private static final String YAMUX = "/yamux/1.0.0";
  private static final String MPLEX = "/mplex/6.7.0";

  @TempDir Path dir;
  private final Identity serverId = Identity.generate();
  private final Identity clientId = Identity.generate();
  private TlsLoopback net;
  private InetSocketAddress addr;

  @BeforeEach
  void start() throws Exception {
    requireOpenssl();
    net = new TlsLoopback();
    addr = net.listen(TlsSecurity.builder(serverId).muxers(List.of(YAMUX, MPLEX)).build());
    CertifiedKey ck = Libp2pCertificates.generate(clientId);
    Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", ck.certificate().getEncoded()));
    Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", ck.privateKey().getEncoded()));
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void serverPicksTheOpensslClientsFirstMuxer() throws Exception {
    String out = sClient(MPLEX + "," + YAMUX + ",libp2p", "hello");
    SecureSession s = net.nextAccepted().session.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(s.remotePeerId()).isEqualTo(clientId.peerId());
    assertThat(s.earlyMuxer()).isEqualTo(MPLEX);
    assertThat(out).contains("ALPN protocol: " + MPLEX);
  }

  @Test
  void libp2pOnlyMeansNoEarlyMuxer() throws Exception {
    sClient("libp2p", "hello");
    assertThat(net.nextAccepted().session.get(WAIT_SECONDS, TimeUnit.SECONDS).earlyMuxer()).isNull();
  }

  @Test
  void unknownAlpnIsRefusedWithAnAlert() throws Exception {
    String out = sClient("h2", "hello");
    Throwable e = net.nextAccepted().error.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(e).isInstanceOf(HandshakeException.class).hasMessageContaining("no common ALPN protocol");
    assertThat(out).contains("no application protocol");
  }

  private String sClient(String alpn, String input) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        "openssl", "s_client", "-connect", "127.0.0.1:" + addr.getPort(), "-tls1_3", "-noservername",
        "-alpn", alpn, "-cert", dir.resolve("cert.pem").toString(),
        "-key", dir.resolve("key.pem").toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().write((input + "\n").getBytes(StandardCharsets.UTF_8));
    // Without -quiet (which implies -ign_eof), s_client sends the line, then ends at stdin's EOF.
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("openssl s_client did not finish:\n" + out);
    }
    return out;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void requireOpenssl() {
    boolean found;
    try {
      found = new ProcessBuilder("openssl", "version").start().waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      found = false;
    }
    if (!found && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("openssl is required under CI");
    }
    if (!found) {
      System.err.println("SKIPPING TlsOpensslClientTest: no openssl binary on PATH");
    }
    Assumptions.assumeTrue(found, "openssl binary not found");
  }
}
