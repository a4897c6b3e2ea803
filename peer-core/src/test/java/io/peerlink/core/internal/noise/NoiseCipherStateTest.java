package io.peerlink.core.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/** Nonce handling of {@link CipherState}. */
class NoiseCipherStateTest {
  private static final byte[] KEY = new byte[32];
  private static final byte[] EMPTY = new byte[0];

  @Test
  void nonceIsFourZeroBytesThenLittleEndianCounter() {
    assertThat(HexFormat.of().formatHex(CipherState.nonce(0x0102030405060708L)))
        .isEqualTo("000000000807060504030201");
    assertThat(HexFormat.of().formatHex(CipherState.nonce(-2L))).isEqualTo("00000000feffffffffffffff");
  }

  @Test
  void encryptRefusesTheReservedNonce() throws Exception {
    CipherState cs = new CipherState(ChaChaPolyProvider.defaultProvider(), KEY);
    cs.setNonce(-3L); // 2^64 - 3
    cs.encryptWithAd(EMPTY, new byte[] {1});
    cs.encryptWithAd(EMPTY, new byte[] {2}); // uses 2^64 - 2, the last usable nonce
    assertThat(cs.nonce()).isEqualTo(CipherState.MAX_NONCE);
    assertThatThrownBy(() -> cs.encryptWithAd(EMPTY, new byte[] {3}))
        .isInstanceOf(NonceExhaustedException.class);
  }

  @Test
  void decryptRefusesTheReservedNonceAndKeepsCountingOnlyOnSuccess() throws Exception {
    CipherState tx = new CipherState(ChaChaPolyProvider.defaultProvider(), KEY);
    CipherState rx = new CipherState(ChaChaPolyProvider.defaultProvider(), KEY);
    tx.setNonce(-2L);
    rx.setNonce(-2L);
    byte[] ct = tx.encryptWithAd(EMPTY, new byte[] {42});
    byte[] bad = ct.clone();
    bad[0] ^= 1;
    assertThatThrownBy(() -> rx.decryptWithAd(EMPTY, bad)).isInstanceOf(AEADBadTagException.class);
    assertThat(rx.nonce()).isEqualTo(-2L);
    assertThat(rx.decryptWithAd(EMPTY, ct)).containsExactly(42);
    assertThatThrownBy(() -> rx.decryptWithAd(EMPTY, ct)).isInstanceOf(NonceExhaustedException.class);
  }

  @Test
  void unkeyedStateIsIdentity() throws Exception {
    CipherState cs = new CipherState(ChaChaPolyProvider.defaultProvider());
    assertThat(cs.encryptWithAd(EMPTY, new byte[] {7, 8})).containsExactly(7, 8);
    assertThat(cs.decryptWithAd(EMPTY, new byte[] {7, 8})).containsExactly(7, 8);
  }
}
