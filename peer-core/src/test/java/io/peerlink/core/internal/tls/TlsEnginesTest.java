package io.peerlink.core.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.PeerConfig;
import io.peerlink.core.TlsEngine;
import io.peerlink.core.identity.Identity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TlsEnginesTest {
  private final String saved = System.getProperty(TlsEngines.PROPERTY);

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(TlsEngines.PROPERTY);
    } else {
      System.setProperty(TlsEngines.PROPERTY, saved);
    }
  }

  @Test
  void autoMeansNativeWhereItLoadsAndJavaElsewhere() {
    System.clearProperty(TlsEngines.PROPERTY);
    assertThat(PeerConfig.defaults().tlsEngine()).isEqualTo(TlsEngine.AUTO);
    TlsEngine expected = TlsEngines.nativeAvailable() ? TlsEngine.NATIVE : TlsEngine.JAVA;
    assertThat(TlsEngines.resolve(TlsEngine.AUTO)).isEqualTo(expected);
    assertThat(TlsSecurity.builder(Identity.generate()).build().engine()).isEqualTo(expected);
    // The platforms with a bundled BoringSSL must have loaded it (fails there otherwise).
    assertThat(TlsEnginesUnderTest.engines()).contains(TlsEngine.JAVA);
  }

  @Test
  void theSystemPropertyReplacesAutoButNotAnExplicitChoice() {
    System.setProperty(TlsEngines.PROPERTY, "java");
    assertThat(TlsEngines.resolve(TlsEngine.AUTO)).isEqualTo(TlsEngine.JAVA);
    assertThat(TlsSecurity.builder(Identity.generate()).build().engine()).isEqualTo(TlsEngine.JAVA);
    if (TlsEngines.nativeAvailable()) {
      assertThat(TlsEngines.resolve(TlsEngine.NATIVE)).isEqualTo(TlsEngine.NATIVE);
      System.setProperty(TlsEngines.PROPERTY, " Native ");
      assertThat(TlsEngines.resolve(TlsEngine.AUTO)).isEqualTo(TlsEngine.NATIVE);
      assertThat(TlsEngines.resolve(TlsEngine.JAVA)).isEqualTo(TlsEngine.JAVA);
    }
    System.setProperty(TlsEngines.PROPERTY, "auto");
    assertThat(TlsEngines.resolve(TlsEngine.AUTO))
        .isEqualTo(TlsEngines.nativeAvailable() ? TlsEngine.NATIVE : TlsEngine.JAVA);
  }

  @Test
  void aPropertyThatNamesNoEngineIsRefused() {
    System.setProperty(TlsEngines.PROPERTY, "openssl");
    assertThatThrownBy(() -> TlsEngines.resolve(TlsEngine.AUTO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(TlsEngines.PROPERTY)
        .hasMessageContaining("openssl");
  }

  @Test
  void nativeShipsForLinuxAndMacOnX86AndArm() {
    assertThat(TlsEnginesUnderTest.nativeShipsFor("Linux", "amd64")).isTrue();
    assertThat(TlsEnginesUnderTest.nativeShipsFor("Linux", "aarch64")).isTrue();
    assertThat(TlsEnginesUnderTest.nativeShipsFor("Mac OS X", "aarch64")).isTrue();
    assertThat(TlsEnginesUnderTest.nativeShipsFor("Windows 11", "amd64")).isFalse();
    assertThat(TlsEnginesUnderTest.nativeShipsFor("Linux", "riscv64")).isFalse();
  }
}
