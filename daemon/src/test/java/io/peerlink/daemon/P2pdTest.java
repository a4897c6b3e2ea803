package io.peerlink.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.StreamMuxer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** p2pd's flag spellings: one dash, {@code -flag=value} and {@code -flag value}, go's defaults. */
class P2pdTest {
  private static DaemonSettings parse(String... args) throws Exception {
    P2pd p = new P2pd(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    new CommandLine(p).parseArgs(args);
    return p.settings();
  }

  @Test
  void defaultsAreP2pds() throws Exception {
    DaemonSettings s = parse();
    assertThat(s.control().toString()).isEqualTo("/unix/tmp/p2pd.sock");
    assertThat(s.relay()).isTrue();
    assertThat(s.echo()).isTrue();
    assertThat(s.security()).containsExactly(SecurityProtocol.NOISE, SecurityProtocol.TLS);
    assertThat(s.dht()).isEqualTo(DhtMode.OFF);
    assertThat(s.noListen()).isFalse();
  }

  @Test
  void bothValueSpellingsAndBooleans() throws Exception {
    DaemonSettings s = parse("-listen=/ip4/127.0.0.1/tcp/0", "-hostAddrs", "/ip4/127.0.0.1/tcp/0,/ip4/127.0.0.1/tcp/5",
        "-noise=false", "-tls=true", "-relay=false", "-echo=false", "-dhtServer", "-noListenAddrs",
        "-bootstrapPeers=/ip4/127.0.0.1/tcp/9/p2p/12D3KooWQ27YetdbNtPQgvrgTrUabTc7WoBaPsY7cosHFUUaKmCk",
        "-muxer=yamux", "-announceAddrs", "/ip4/1.2.3.4/tcp/1");
    assertThat(s.control().toString()).isEqualTo("/ip4/127.0.0.1/tcp/0");
    assertThat(s.hostAddrs()).containsExactly(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), Multiaddr.parse("/ip4/127.0.0.1/tcp/5"));
    assertThat(s.security()).containsExactly(SecurityProtocol.TLS);
    assertThat(s.relay()).isFalse();
    assertThat(s.echo()).isFalse();
    assertThat(s.dht()).isEqualTo(DhtMode.SERVER);
    assertThat(s.noListen()).isTrue();
    assertThat(s.bootstrapPeers()).hasSize(1);
    assertThat(s.announceAddrs()).containsExactly(Multiaddr.parse("/ip4/1.2.3.4/tcp/1"));
  }

  @Test
  void plaintextIsOfferedOnlyWhenAskedAndLast() throws Exception {
    assertThat(parse().security()).doesNotContain(SecurityProtocol.PLAINTEXT);
    assertThat(parse("-plaintext=true").security())
        .containsExactly(SecurityProtocol.NOISE, SecurityProtocol.TLS, SecurityProtocol.PLAINTEXT);
    assertThat(parse("-plaintext", "-noise=false", "-tls=false").security())
        .containsExactly(SecurityProtocol.PLAINTEXT);
  }

  @Test
  void theKeyFileIsAProtobufPrivateKey(@TempDir Path dir) throws Exception {
    // An Ed25519 key as libp2p's protobuf: type 1, 64 bytes of data (seed and public key).
    Identity id = Identity.generate();
    Path key = dir.resolve("id.key");
    Files.write(key, id.toProtobuf());
    assertThat(parse("-id=" + key).identity().peerId()).isEqualTo(id.peerId());
  }

  @Test
  void helpListsTheFlags() {
    StringWriter help = new StringWriter();
    CommandLine cli = new CommandLine(new P2pd(System.out));
    cli.setOut(new PrintWriter(help));
    assertThat(cli.execute("--help")).isZero();
    for (String flag : List.of("-listen", "-hostAddrs", "-announceAddrs", "-noListenAddrs", "-id", "-dht",
        "-dhtClient", "-dhtServer", "-relay", "-noise", "-tls", "-plaintext", "-bootstrapPeers", "-echo")) {
      assertThat(help.toString()).contains(flag);
    }
  }

  @Test
  void aMissingOrRandomKeyFileIsAUsageErrorNamingTheFile(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing.key");
    assertThatThrownBy(() -> parse("-id=" + missing)).isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining(missing.toString()).hasMessageContaining("no such file")
        .hasMessageContaining("leave -id out");
    Path random = dir.resolve("random.key");
    byte[] bytes = new byte[100];
    new Random(9).nextBytes(bytes);
    bytes[0] = (byte) 0xff; // not a valid protobuf tag whatever the seed gives
    Files.write(random, bytes);
    assertThatThrownBy(() -> parse("-id=" + random)).isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining(random.toString()).hasMessageContaining("holds no private key")
        .hasMessageContaining("PrivateKey protobuf");
  }

  @Test
  void theMuxerIsYamuxUnlessMplexIsAskedForAndAnythingElseIsRefused() throws Exception {
    assertThat(parse().muxer()).isEqualTo(StreamMuxer.YAMUX);
    assertThat(parse("-muxer=mplex").muxer()).isEqualTo(StreamMuxer.MPLEX);
    CommandLine cli = new CommandLine(new P2pd(System.out));
    cli.setErr(new PrintWriter(new StringWriter()));
    assertThat(cli.execute("-muxer=quic")).isNotZero();
  }
}
