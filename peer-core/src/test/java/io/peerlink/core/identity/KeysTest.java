package io.peerlink.core.identity;

import static io.peerlink.core.identity.KeyVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys of all four types, from the spec vectors, through the public API. */
class KeysTest {
  private static final byte[] MESSAGE = "peerlink".getBytes(StandardCharsets.UTF_8);

  static Stream<Arguments> vectors() {
    return Stream.of(
        Arguments.of(KeyType.ED25519, KeyVectors.ED25519_PRIVATE, KeyVectors.ED25519_PUBLIC, KeyVectors.ED25519_ID),
        Arguments.of(KeyType.SECP256K1, KeyVectors.SECP256K1_PRIVATE, KeyVectors.SECP256K1_PUBLIC, KeyVectors.SECP256K1_ID),
        Arguments.of(KeyType.ECDSA, KeyVectors.ECDSA_PRIVATE, KeyVectors.ECDSA_PUBLIC, KeyVectors.ECDSA_ID),
        Arguments.of(KeyType.RSA, KeyVectors.RSA_PRIVATE, KeyVectors.RSA_PUBLIC, KeyVectors.RSA_ID));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void publicVectorDerivesPeerId(KeyType type, String priv, String pub, String id) throws Exception {
    PublicKey key = PublicKey.unmarshal(hex(pub));

    assertThat(key.type()).isEqualTo(type);
    assertThat(key.marshal()).isEqualTo(hex(pub));
    assertThat(key.peerId().toBase58()).isEqualTo(id);
    assertThat(PeerId.fromPublicKey(key)).isEqualTo(PeerId.parse(id));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void privateVectorYieldsPublicVectorAndReMarshalsIdentically(
      KeyType type, String priv, String pub, String id) throws Exception {
    Identity identity = Identity.fromProtobuf(hex(priv));

    assertThat(identity.keyType()).isEqualTo(type);
    assertThat(identity.publicKey().marshal()).isEqualTo(hex(pub));
    assertThat(identity.peerId().toBase58()).isEqualTo(id);
    assertThat(identity.toProtobuf()).isEqualTo(hex(priv));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void signaturesVerifyOnlyForTheSignedDataAndKey(KeyType type, String priv, String pub, String id)
      throws Exception {
    Identity identity = Identity.fromProtobuf(hex(priv));
    PublicKey key = PublicKey.unmarshal(hex(pub));
    byte[] sig = identity.sign(MESSAGE);

    assertThat(key.verify(MESSAGE, sig)).isTrue();
    assertThat(key.verify("peerlinK".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
    byte[] flipped = sig.clone();
    flipped[flipped.length - 1] ^= 1;
    assertThat(key.verify(MESSAGE, flipped)).isFalse();
    assertThat(key.verify(MESSAGE, new byte[0])).isFalse();
    assertThat(key.verify(MESSAGE, Arrays.copyOf(sig, sig.length + 1))).isFalse();
    // Someone else's signature over the same data.
    assertThat(key.verify(MESSAGE, Identity.generate().sign(MESSAGE))).isFalse();
  }

  @Test
  void ed25519SignatureIsPlainRfc8032() throws Exception {
    Identity identity = Identity.fromProtobuf(hex(KeyVectors.ED25519_PRIVATE));
    java.security.PublicKey jdk = KeyFactory.getInstance("Ed25519")
        .generatePublic(new X509EncodedKeySpec(
            hex("302a300506032b6570032100" + KeyVectors.ED25519_PUBLIC.substring(8))));
    Signature v = Signature.getInstance("Ed25519");
    v.initVerify(jdk);
    v.update(MESSAGE);

    assertThat(v.verify(identity.sign(MESSAGE))).isTrue();
  }

  @Test
  void ecdsaSignaturesMustBeStrictDer() throws Exception {
    for (String priv : new String[] {KeyVectors.SECP256K1_PRIVATE, KeyVectors.ECDSA_PRIVATE}) {
      Identity identity = Identity.fromProtobuf(hex(priv));
      byte[] sig = identity.sign(MESSAGE);
      assertThat(sig[0]).isEqualTo((byte) 0x30);
      assertThat(sig[1] & 0xFF).isLessThan(0x80);
      // The same SEQUENCE with a long-form length: valid BER, not DER.
      byte[] ber = new byte[sig.length + 1];
      ber[0] = 0x30;
      ber[1] = (byte) 0x81;
      System.arraycopy(sig, 1, ber, 2, sig.length - 1);

      assertThat(identity.publicKey().verify(MESSAGE, sig)).isTrue();
      assertThat(identity.publicKey().verify(MESSAGE, ber)).isFalse();
    }
  }

  @Test
  void secp256k1SignaturesUseLowS() throws Exception {
    Identity identity = Identity.fromProtobuf(hex(KeyVectors.SECP256K1_PRIVATE));
    BigInteger halfOrder = new BigInteger(
        "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", 16);
    for (int i = 0; i < 16; i++) {
      byte[] sig = identity.sign(new byte[] {(byte) i});
      ASN1Sequence seq = (ASN1Sequence) ASN1Primitive.fromByteArray(sig);
      BigInteger s = ((ASN1Integer) seq.getObjectAt(1)).getValue();
      assertThat(s).isLessThanOrEqualTo(halfOrder);
    }
  }

  @Test
  void ed25519LegacyPrivateKeyFormat() throws Exception {
    byte[] modern = hex(KeyVectors.ED25519_PRIVATE);
    byte[] data = Arrays.copyOfRange(modern, 4, 68);
    byte[] legacy = concat(hex("08011260"), data, Arrays.copyOfRange(data, 32, 64));

    Identity identity = Identity.fromProtobuf(legacy);
    assertThat(identity.peerId().toBase58()).isEqualTo(KeyVectors.ED25519_ID);
    assertThat(identity.toProtobuf()).isEqualTo(modern);

    byte[] mismatched = legacy.clone();
    mismatched[mismatched.length - 1] ^= 1;
    assertThatThrownBy(() -> Identity.fromProtobuf(mismatched)).isInstanceOf(InvalidKeyException.class);
  }

  @Test
  void ed25519PrivateKeyWhosePublicHalfIsNotTheSeedsIsRejected() {
    byte[] bad = hex(KeyVectors.ED25519_PRIVATE);
    bad[bad.length - 1] ^= 1;
    assertThatThrownBy(() -> Identity.fromProtobuf(bad)).isInstanceOf(InvalidKeyException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", // nothing
    "0801", // no Data
    "12201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e", // no Type
    "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e1a00", // extra field 3
    "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e2001", // extra field 4
    "080512201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e", // unknown key type
    "0801080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e", // Type twice
    "12201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e0801", // fields out of order
    "080112a0001ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e", // non-minimal length
    "08811201201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e", // bogus varint
    "0801121f1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce2", // 31-byte Ed25519
    "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce2", // truncated
    // Ed25519: y = p (non-canonical field element)
    "08011220edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    // secp256k1 with x not on the curve (x = 5 has no square root)
    "08021221" + "02" + "0000000000000000000000000000000000000000000000000000000000000005",
    // secp256k1 compressed prefix 04 (uncompressed marker, wrong length)
    "08021221047777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99",
    // ECDSA with the point's last byte changed: off the curve
    "0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d530899d83abab44"
        + "abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c409e63",
    // ECDSA with empty Data, and with none (BouncyCastle parses no DER object from either)
    "08031200",
    "0803",
  })
  void malformedPublicKeysAreRejected(String protobuf) {
    assertThatThrownBy(() -> PublicKey.unmarshal(hex(protobuf))).isInstanceOf(InvalidKeyException.class);
  }

  @Test
  void uncompressedSecp256k1IsRejectedAsNonCanonical() throws Exception {
    // The vector's point in uncompressed form: same key, but a second encoding and peer ID.
    Identity identity = Identity.fromProtobuf(hex(KeyVectors.SECP256K1_PRIVATE));
    X9ECParameters p =
        CustomNamedCurves.getByName("secp256k1");
    byte[] uncompressed = p.getCurve().decodePoint(identity.publicKey().raw()).getEncoded(false);

    assertThatThrownBy(() -> PublicKey.unmarshal(concat(hex("08021241"), uncompressed)))
        .isInstanceOf(InvalidKeyException.class);
  }

  @Test
  void rsaKeysBelow2048BitsAreRejected() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(1024);
    byte[] spki = gen.generateKeyPair().getPublic().getEncoded();
    byte[] protobuf = concat(header(0, spki.length), spki);

    assertThatThrownBy(() -> PublicKey.unmarshal(protobuf))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("1024");
  }

  @Test
  void rsaSpkiWithTrailingBytesIsRejected() {
    byte[] pub = hex(KeyVectors.RSA_PUBLIC);
    byte[] spki = Arrays.copyOfRange(pub, 5, pub.length);
    byte[] padded = concat(spki, new byte[] {0});

    assertThatThrownBy(() -> PublicKey.unmarshal(concat(header(0, padded.length), padded)))
        .isInstanceOf(InvalidKeyException.class);
  }

  @Test
  void oversizedPublicKeyIsRejectedBeforeParsing() {
    byte[] huge = new byte[4096];
    assertThatThrownBy(() -> PublicKey.unmarshal(huge))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("too large");
  }

  @Test
  void publicKeysCompareByEncoding() throws Exception {
    PublicKey a = PublicKey.unmarshal(hex(KeyVectors.ED25519_PUBLIC));
    PublicKey b = Identity.fromProtobuf(hex(KeyVectors.ED25519_PRIVATE)).publicKey();
    PublicKey c = PublicKey.unmarshal(hex(KeyVectors.SECP256K1_PUBLIC));

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    assertThat(a.raw()).isEqualTo(hex(KeyVectors.ED25519_PUBLIC.substring(8)));
  }

  @Test
  void malformedPrivateKeysAreRejected() {
    for (String bad : new String[] {
        "", "0801", "08011220" + "00".repeat(32), // 32-byte Ed25519 Data
        KeyVectors.ED25519_PRIVATE + "1a00", // extra field
        "08021220" + "00".repeat(32), // secp256k1 scalar zero
        "08021220" + "ff".repeat(32), // secp256k1 scalar >= n
        "080312020500", // ECDSA Data that is not SEC1
        "080012020500", // RSA Data that is not PKCS#1
    }) {
      assertThatThrownBy(() -> Identity.fromProtobuf(hex(bad)))
          .as(bad)
          .isInstanceOf(InvalidKeyException.class);
    }
  }

  private static byte[] header(int type, int length) {
    // 08 <type> 12 <varint length>
    byte[] len = length < 128 ? new byte[] {(byte) length}
        : new byte[] {(byte) ((length & 0x7f) | 0x80), (byte) (length >>> 7)};
    return concat(new byte[] {0x08, (byte) type, 0x12}, len);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }
}
