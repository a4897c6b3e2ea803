package io.peerlink.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The libp2p project's interop suite, {@code @libp2p/interop}, with the peerlink daemon in the
 * place of go-libp2p's daemon: every test of its connect, streams, relay and dht groups (what the
 * suite itself skips is in docs/testing.md), and its echo test over mplex, which it cannot ask for. Runs {@code interop/daemon}'s mocha suite; the daemons
 * run from this JVM's class path.
 */
@Timeout(900)
class InteropSuiteTest {
  /**
   * connect: 3 pairs over TCP; streams: 3 key types x 3 pairs x 3 encryptions (Noise, TLS,
   * plaintext) x 2 muxer names (the suite's matrix names mplex and yamux but hands the factory no
   * muxer, so both run yamux); relay: 8 trios x 2; dht: 4 pairs for content fetching and peer
   * routing, 3 for content routing (the suite skips go-go).
   */
  private static final int EXPECTED_PASSING = 3 + 54 + 16 + 11;

  @Test
  void connectStreamsRelayAndDhtGroupsPass() throws Exception {
    DaemonRunner.Result r = DaemonRunner.run(List.of("--import", "./register-hooks.mjs",
            "node_modules/mocha/bin/mocha.js", "--timeout", "60000", "--reporter", "spec",
            "interop.spec.mjs"),
        Map.of("INTEROP_GROUPS", "connect,streams,relay,dht"), Duration.ofMinutes(14));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(count(r.output(), "(\\d+) passing")).as(r.output()).isEqualTo(EXPECTED_PASSING);
    assertThat(r.output()).doesNotContain("failing");
  }

  /**
   * The suite's echo test with mplex on both daemons ({@code interop/daemon/mplex.spec.mjs}), which
   * the suite itself cannot ask for: Noise, TLS and plaintext x js→peerlink, peerlink→js, js→js.
   */
  @Test
  void echoOverMplexPassesEveryWay() throws Exception {
    DaemonRunner.Result r = DaemonRunner.run(List.of("--import", "./register-hooks.mjs",
            "node_modules/mocha/bin/mocha.js", "--timeout", "60000", "--reporter", "spec", "--exit", "mplex.spec.mjs"),
        Map.of(), Duration.ofMinutes(5));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(count(r.output(), "(\\d+) passing")).as(r.output()).isEqualTo(3 * 3);
    assertThat(r.output()).doesNotContain("failing");
  }

  private static int count(String output, String regex) {
    Matcher m = Pattern.compile(regex).matcher(output);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }
}
