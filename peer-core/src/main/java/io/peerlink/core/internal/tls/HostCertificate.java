package io.peerlink.core.internal.tls;

import io.peerlink.core.identity.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The certificate one host presents on all its TLS connections, made once and reused for its
 * validity period, as go-libp2p does (the spec allows a certificate per connection or one for
 * many). Making one costs a P-256 key generation and two signatures; reusing it leaves each
 * handshake with its ephemeral key exchange and one signature.
 *
 * <p>When less than {@link #RENEW_BEFORE} of its validity is left, the next {@link #current()}
 * makes a new one. The previous certificate stays reachable by {@link #byAlias(String)} so a
 * handshake that chose it just before the renewal still finds its private key.
 *
 * <p>Thread-safe: connections on every event loop ask for it.
 */
final class HostCertificate {
  /** How long before a certificate expires it is replaced: a day, far more than any clock skew. */
  static final Duration RENEW_BEFORE = Duration.ofDays(1);

  private final Supplier<CertifiedKey> generator;
  private final Clock clock;
  private CertifiedKey current; // guarded by this
  private CertifiedKey previous; // guarded by this

  private HostCertificate(Supplier<CertifiedKey> generator, Clock clock) {
    this.generator = generator;
    this.clock = clock;
  }

  /** Certificates for {@code identity}, generated with {@link Libp2pCertificates#generate}. */
  static HostCertificate generated(Identity identity, Clock clock) {
    Objects.requireNonNull(identity, "identity");
    return new HostCertificate(() -> Libp2pCertificates.generate(identity, clock), clock);
  }

  /** Always {@code fixed}, never renewed: for tests that present a particular certificate. */
  static HostCertificate fixed(CertifiedKey fixed) {
    Objects.requireNonNull(fixed, "fixed");
    // An expired one is "renewed" into itself on every use, which is what such a test wants.
    return new HostCertificate(() -> fixed, Clock.systemUTC());
  }

  /** The certificate to present now, renewed first if it is about to expire. */
  synchronized CertifiedKey current() {
    Instant now = clock.instant();
    if (current == null
        || !now.isBefore(current.certificate().getNotAfter().toInstant().minus(RENEW_BEFORE))) {
      previous = current;
      current = generator.get();
    }
    return current;
  }

  /** The name a key manager gives {@code key}: its serial number in hex. */
  static String alias(CertifiedKey key) {
    return key.certificate().getSerialNumber().toString(16);
  }

  /** The current or the previous certificate if {@code alias} names it, else null. */
  synchronized CertifiedKey byAlias(String alias) {
    if (current != null && alias(current).equals(alias)) {
      return current;
    }
    if (previous != null && alias(previous).equals(alias)) {
      return previous;
    }
    return null;
  }
}
