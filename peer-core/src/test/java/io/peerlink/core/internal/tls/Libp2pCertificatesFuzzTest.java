package io.peerlink.core.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peerlink.core.HandshakeException;
import io.peerlink.core.identity.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * Feeds arbitrary bytes to the libp2p TLS certificate verifier, as a remote's certificate arrives
 * in the handshake: {@link #certificate} as a whole DER certificate (parsing, validity, self-signature,
 * extensions), {@link #signedKeyExtension} as the value of the libp2p public key extension alone
 * (the {@code SignedKey} sequence, the host key protobuf, its signature), which a whole
 * certificate reaches only behind a valid self-signature the fuzzer cannot forge.
 *
 * <p>Either the input verifies, giving a host key, or it throws {@link HandshakeException};
 * nothing else. The inputs are the spec's test vectors (libp2p/specs tls/tls.md), which all share
 * the certificate key {@link #SPEC_VECTOR_SPKI}, and a certificate peerlink generates. A plain test
 * run replays the inputs under {@code Libp2pCertificatesFuzzTestInputs}; see docs/testing.md,
 * "Fuzzing", to fuzz.
 */
class Libp2pCertificatesFuzzTest {
  /** Inside every input certificate's validity: the spec's run 1975 to 4096, ours 100 years from 2026. */
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

  /** The P-256 certificate key of the spec's test vectors, which their extensions sign. */
  static final byte[] SPEC_VECTOR_SPKI = HexFormat.of().parseHex(
      "3059301306072a8648ce3d020106082a8648ce3d030107034200040c901d423c831ca85e27c73c263ba132"
          + "721bb9d7a84c4f0380b2a6756fd601331c8870234dec878504c174144fa4b14b66a651691606d8173e55"
          + "bd37e381569e");

  @FuzzTest
  void certificate(byte[] der) {
    PublicKey key;
    try {
      key = Libp2pCertificates.verify(der, CLOCK);
    } catch (HandshakeException e) {
      return;
    }
    assertThat(key.peerId().matches(key)).isTrue();
  }

  @FuzzTest
  void signedKeyExtension(byte[] value) {
    PublicKey key;
    try {
      key = Libp2pCertificates.hostKey(value, SPEC_VECTOR_SPKI);
    } catch (HandshakeException e) {
      return;
    }
    assertThat(key.peerId().matches(key)).isTrue();
  }
}
