package io.peerlink.core.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import org.junit.jupiter.api.Test;

class Libp2pKeyManagerTest {
  private final CertifiedKey key = Libp2pCertificates.generate(Identity.generate());
  private final Libp2pKeyManager manager = new Libp2pKeyManager(HostCertificate.fixed(key));

  @Test
  void answersTheJdksAndBouncyCastlesNamesForAP256Key() {
    // The JDK asks by key algorithm; Bouncy Castle's TLS 1.3 by algorithm and curve.
    assertThat(manager.chooseEngineServerAlias("EC", null, null)).isNotNull();
    assertThat(manager.chooseEngineServerAlias("EC/secp256r1", null, null)).isNotNull();
    assertThat(manager.chooseEngineClientAlias(new String[] {"Ed25519", "EC/secp256r1"}, null, null))
        .isNotNull();
    String alias = manager.chooseEngineServerAlias("EC/secp256r1", null, null);
    assertThat(manager.getCertificateChain(alias)).containsExactly(key.certificate());
    assertThat(manager.getPrivateKey(alias)).isSameAs(key.privateKey());
  }

  @Test
  void refusesOtherKeyTypesAndCurves() {
    assertThat(manager.chooseEngineServerAlias("EC/secp384r1", null, null)).isNull();
    assertThat(manager.chooseEngineServerAlias("RSA", null, null)).isNull();
    assertThat(manager.chooseEngineServerAlias("Ed25519", null, null)).isNull();
    assertThat(manager.chooseEngineClientAlias(new String[] {"RSA", "EC/secp521r1"}, null, null)).isNull();
    assertThat(manager.chooseEngineServerAlias(null, null, null)).isNull();
  }
}
