package io.peerlink.core.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HostCertificateTest {
  private final Identity identity = Identity.generate();
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

  @Test
  void oneCertificateServesUntilShortlyBeforeItExpires() {
    HostCertificate host = HostCertificate.generated(identity, clock);
    CertifiedKey first = host.current();
    Instant notAfter = first.certificate().getNotAfter().toInstant();
    assertThat(notAfter).isAfter(clock.instant().plus(Duration.ofDays(365 * 99)));

    clock.now = notAfter.minus(HostCertificate.RENEW_BEFORE).minusSeconds(1);
    assertThat(host.current()).isSameAs(first);

    clock.now = notAfter.minus(HostCertificate.RENEW_BEFORE);
    CertifiedKey second = host.current();
    assertThat(second).isNotSameAs(first);
    assertThat(second.certificate().getNotAfter().toInstant()).isAfter(notAfter);
    assertThat(host.current()).isSameAs(second);
  }

  @Test
  void theKeyManagerFindsTheCertificateItChoseAcrossARenewal() {
    HostCertificate host = HostCertificate.generated(identity, clock);
    Libp2pKeyManager keys = new Libp2pKeyManager(host);
    String alias = keys.chooseEngineServerAlias("EC", null, null);
    CertifiedKey chosen = host.byAlias(alias);
    assertThat(chosen).isSameAs(host.current());

    // Renewed between choosing the alias and reading the key: the handshake still gets a pair
    // that belongs together.
    clock.now = chosen.certificate().getNotAfter().toInstant();
    String renewed = keys.chooseEngineServerAlias("EC", null, null);
    assertThat(renewed).isNotEqualTo(alias);
    assertThat(keys.getCertificateChain(alias)).containsExactly(chosen.certificate());
    assertThat(keys.getPrivateKey(alias)).isSameAs(chosen.privateKey());
    assertThat(keys.getPrivateKey(renewed)).isSameAs(host.current().privateKey());
    assertThat(keys.getPrivateKey("not-an-alias")).isNull();
    assertThat(keys.getCertificateChain(null)).isNull();
  }

  @Test
  void aGeneratedCertificateVerifiesForItsIdentity() throws Exception {
    HostCertificate host = HostCertificate.generated(identity, clock);
    assertThat(Libp2pCertificates.verify(
            new X509Certificate[] {host.current().certificate()}, clock))
        .isEqualTo(identity.publicKey());
  }

  /** A clock a test moves by hand. */
  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
