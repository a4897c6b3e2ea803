package io.peerlink.core.internal.tls;

import static io.peerlink.core.internal.tls.TlsLoopback.WAIT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.HandshakeException;
import io.peerlink.core.TlsEngine;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.security.SecureSession;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our server, on each engine, against a TLS stack that is not ours: {@code openssl s_client}
 * presenting one of our certificates. Shows the certificate, TLS 1.3 without SNI, the
 * client-preference ALPN choice and the absence of session tickets with a foreign client. Skipped loudly without an {@code openssl} binary, failed under CI.
 */
class TlsOpensslClientTest {
  private static final String YAMUX = "/yamux/1.0.0";
  private static final String MPLEX = "/mplex/6.7.0";

  @TempDir Path dir;
  private final Identity serverId = Identity.generate();
  private final Identity clientId = Identity.generate();
  private TlsLoopback net;
  private InetSocketAddress addr;

  static Stream<TlsEngine> engines() {
    return TlsEnginesUnderTest.engines();
  }

  @BeforeEach
  void start() throws Exception {
    requireOpenssl();
    net = new TlsLoopback();
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

  private void listen(TlsEngine engine) throws InterruptedException {
    addr = net.listen(TlsSecurity.builder(serverId).engine(engine).muxers(List.of(YAMUX, MPLEX)).build());
  }

  @ParameterizedTest
  @MethodSource("engines")
  void serverPicksTheOpensslClientsFirstMuxer(TlsEngine engine) throws Exception {
    listen(engine);
    String out = sClient(MPLEX + "," + YAMUX + ",libp2p", "hello");
    SecureSession s = net.nextAccepted().session.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(s.remotePeerId()).isEqualTo(clientId.peerId());
    assertThat(s.earlyMuxer()).isEqualTo(MPLEX);
    assertThat(out).contains("ALPN protocol: " + MPLEX);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void libp2pOnlyMeansNoEarlyMuxer(TlsEngine engine) throws Exception {
    listen(engine);
    sClient("libp2p", "hello");
    assertThat(net.nextAccepted().session.get(WAIT_SECONDS, TimeUnit.SECONDS).earlyMuxer()).isNull();
  }

  @ParameterizedTest
  @MethodSource("engines")
  void unknownAlpnIsRefusedWithAnAlert(TlsEngine engine) throws Exception {
    listen(engine);
    String out = sClient("h2", "hello");
    Throwable e = net.nextAccepted().error.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(e).isInstanceOf(HandshakeException.class).hasMessageContaining("no common ALPN protocol");
    assertThat(out).contains("no application protocol");
  }

  @ParameterizedTest
  @MethodSource("engines")
  void serverSendsNoSessionTicket(TlsEngine engine) throws Exception {
    listen(engine);
    // -msg prints every handshake message. A TLS 1.3 server sends its tickets right after the
    // handshake, before anything else, so once the echo is in, any ticket would be too.
    String out = sClientUntil("libp2p", "hello", "echo:hello", "-msg");
    net.nextAccepted().session.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(out).contains("Finished").contains("echo:hello").doesNotContain("NewSessionTicket");
  }

  private String sClient(String alpn, String input, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        "openssl", "s_client", "-connect", "127.0.0.1:" + addr.getPort(), "-tls1_3", "-noservername",
        "-alpn", alpn, "-cert", dir.resolve("cert.pem").toString(),
        "-key", dir.resolve("key.pem").toString()));
    cmd.addAll(List.of(extra));
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

  /** Like {@link #sClient}, but keeps stdin open until {@code awaited} appears in the output. */
  private String sClientUntil(String alpn, String input, String awaited, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        "openssl", "s_client", "-connect", "127.0.0.1:" + addr.getPort(), "-tls1_3", "-noservername",
        "-alpn", alpn, "-cert", dir.resolve("cert.pem").toString(),
        "-key", dir.resolve("key.pem").toString()));
    cmd.addAll(List.of(extra));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().write((input + "\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().flush();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      for (String line; (line = r.readLine()) != null; ) {
        out.append(line).append('\n');
        if (line.contains(awaited) || System.nanoTime() > deadline) {
          break;
        }
      }
      p.getOutputStream().close();
      for (String line; (line = r.readLine()) != null; ) {
        out.append(line).append('\n');
      }
    }
    if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("openssl s_client did not finish:\n" + out);
    }
    return out.toString();
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
