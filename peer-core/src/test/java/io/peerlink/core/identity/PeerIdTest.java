package io.peerlink.core.identity;

import static io.peerlink.core.identity.KeyVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.InvalidKeyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PeerIdTest {
  private static final String SHA_ID = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N";
  private static final String SHA_CID = "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe";
  private static final String SHA_MULTIHASH =
      "12209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9";

  @Test
  void specCidExampleEqualsBase58Form() {
    PeerId fromCid = PeerId.parse(SHA_CID);
    PeerId fromBase58 = PeerId.parse(SHA_ID);

    assertThat(fromCid).isEqualTo(fromBase58);
    assertThat(fromCid.bytes()).isEqualTo(hex(SHA_MULTIHASH));
    assertThat(fromCid.toBase58()).isEqualTo(SHA_ID);
    assertThat(fromBase58.toCid()).isEqualTo(SHA_CID);
    assertThat(fromBase58).hasToString(SHA_ID);
  }

  @Test
  void ed25519CidRoundTrips() throws InvalidKeyException {
    PeerId id = PublicKey.unmarshal(hex(KeyVectors.ED25519_PUBLIC)).peerId();

    assertThat(id.toCid()).isEqualTo(KeyVectors.ED25519_CID);
    assertThat(PeerId.parse(KeyVectors.ED25519_CID)).isEqualTo(id);
    assertThat(PeerId.parse(KeyVectors.ED25519_ID)).isEqualTo(id);
  }

  @Test
  void otherMultibasesOfTheCidAreAccepted() {
    PeerId expected = PeerId.parse(SHA_ID);

    assertThat(PeerId.parse("zdvgqC3jczfCwLUoSyWT8GLc5UZ9aG4RkAg7XAfidRbX9qVj6")).isEqualTo(expected);
    assertThat(PeerId.parse("BAFZBEIE5745RPV2M6TJYUUGYWY4D5EWRQGQQHFNF445HE3OMZPJBX5XQXE"))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "",
    "hello",
    "Qm0000", // '0' is not in the base58 alphabet
    "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5", // one character short: digest too short
    "bafybeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", // CIDv1 but dag-pb codec
    "bajzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", // CID version 2
    "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxf", // non-zero trailing bits
    "mAXISIJ3/OxfXTPTTilDYtjg+ktGBoQOVpec6cm3My9Ib9vC5", // base64 multibase, not supported
    "6PG83WXBcfTfq3L8WtWAkQ9LapHV3uhtDer6r9DJTxKod" // bare base58 not starting with 1 or Qm
  })
  void rejectsNonPeerIdText(String text) {
    assertThatThrownBy(() -> PeerId.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsOverlongText() {
    String text = "Qm" + "1".repeat(PeerId.MAX_TEXT_CHARS);
    assertThatThrownBy(() -> PeerId.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", // empty
    "12", // no length
    "121f9dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0", // sha2-256, 31-byte digest
    "13209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9", // sha2-512 code
    "12209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b900", // trailing byte
    "12209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0", // truncated
    "0080", // non-minimal varint
  })
  void fromBytesRejectsOtherMultihashes(String multihash) {
    assertThatThrownBy(() -> PeerId.fromBytes(hex(multihash)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromBytesRejectsOverlongIdentityMultihash() {
    byte[] mh = new byte[2 + 43];
    mh[1] = 43;
    assertThatThrownBy(() -> PeerId.fromBytes(mh)).isInstanceOf(IllegalArgumentException.class);
    byte[] ok = new byte[2 + 42];
    ok[1] = 42;
    assertThat(PeerId.fromBytes(ok).bytes()).isEqualTo(ok);
  }

  @Test
  void bytesAreCopiedInAndOut() {
    byte[] mh = hex(SHA_MULTIHASH);
    PeerId id = PeerId.fromBytes(mh);
    mh[5] ^= 1;
    id.bytes()[6] ^= 1;

    assertThat(id.bytes()).isEqualTo(hex(SHA_MULTIHASH));
  }

  @Test
  void publicKeyIsRecoveredOnlyFromIdentityMultihash() throws InvalidKeyException {
    PublicKey key = PublicKey.unmarshal(hex(KeyVectors.ED25519_PUBLIC));

    assertThat(PeerId.parse(KeyVectors.ED25519_ID).publicKey()).contains(key);
    assertThat(PeerId.parse(SHA_ID).publicKey()).isEmpty();
    // An identity multihash over bytes that are not a key.
    assertThat(PeerId.fromBytes(hex("0003010203")).publicKey()).isEmpty();
  }

  @Test
  void matchesOnlyItsOwnKey() throws InvalidKeyException {
    PublicKey ed = PublicKey.unmarshal(hex(KeyVectors.ED25519_PUBLIC));
    PublicKey rsa = PublicKey.unmarshal(hex(KeyVectors.RSA_PUBLIC));

    assertThat(PeerId.parse(KeyVectors.ED25519_ID).matches(ed)).isTrue();
    assertThat(PeerId.parse(KeyVectors.ED25519_ID).matches(rsa)).isFalse();
    assertThat(PeerId.parse(KeyVectors.RSA_ID).matches(rsa)).isTrue();
  }

  @Test
  void equalityAndOrderFollowTheBytes() {
    PeerId a = PeerId.fromBytes(hex("0001ff"));
    PeerId b = PeerId.fromBytes(hex("12209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9"));

    assertThat(a).isEqualTo(PeerId.fromBytes(hex("0001ff"))).hasSameHashCodeAs(PeerId.fromBytes(hex("0001ff")));
    assertThat(a).isNotEqualTo(b);
    assertThat(a.compareTo(b)).isNegative();
    assertThat(b.compareTo(a)).isPositive();
    // Unsigned: 0xff sorts after 0x01.
    assertThat(PeerId.fromBytes(hex("0001ff")).compareTo(PeerId.fromBytes(hex("000101")))).isPositive();
  }
}
