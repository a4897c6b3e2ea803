package io.peerlink.core.identity;

import static io.peerlink.core.identity.KeyVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityTest {
  private static final byte[] MESSAGE = "peerlink".getBytes(StandardCharsets.UTF_8);

  @Test
  void generatesEd25519() {
    Identity a = Identity.generate();
    Identity b = Identity.generate();

    assertThat(a.keyType()).isEqualTo(KeyType.ED25519);
    assertThat(a.peerId().toBase58()).startsWith("12D3KooW");
    assertThat(a.peerId()).isNotEqualTo(b.peerId());
    assertThat(a.publicKey().verify(MESSAGE, a.sign(MESSAGE))).isTrue();
    assertThat(a).hasToString("Identity(" + a.peerId() + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    KeyVectors.ED25519_PRIVATE, KeyVectors.SECP256K1_PRIVATE, KeyVectors.ECDSA_PRIVATE, KeyVectors.RSA_PRIVATE
  })
  void pemRoundTripKeepsTheKey(String privateVector) throws Exception {
    Identity original = Identity.fromProtobuf(hex(privateVector));
    String pem = original.toPem();
    Identity back = Identity.fromPem(pem);

    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
    assertThat(back.peerId()).isEqualTo(original.peerId());
    assertThat(back.toProtobuf()).isEqualTo(hex(privateVector));
    assertThat(original.publicKey().verify(MESSAGE, back.sign(MESSAGE))).isTrue();
  }

  @Test
  void ed25519PemIsStandardPkcs8() throws Exception {
    Identity id = Identity.fromProtobuf(hex(KeyVectors.ED25519_PRIVATE));
    byte[] der = pemBody(id.toPem());
    // RFC 8410 PKCS#8 v1 for Ed25519 is this fixed header followed by the 32-byte seed.
    assertThat(der).startsWith(hex("302e020100300506032b657004220420"));
    assertThat(der).endsWith(hex(KeyVectors.ED25519_PRIVATE.substring(8, 72)));

    // The JDK reads it and produces signatures our public key accepts.
    PrivateKey jdk = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(jdk);
    s.update(MESSAGE);
    assertThat(id.publicKey().verify(MESSAGE, s.sign())).isTrue();
  }

  @Test
  void readsJdkGeneratedPkcs8Keys() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    Object[][] cases = {
      {KeyPairGenerator.getInstance("Ed25519").generateKeyPair(), KeyType.ED25519, "Ed25519"},
      {ec.generateKeyPair(), KeyType.ECDSA, "SHA256withECDSA"},
      {rsa.generateKeyPair(), KeyType.RSA, "SHA256withRSA"},
    };
    for (Object[] c : cases) {
      KeyPair pair = (KeyPair) c[0];
      Identity id = Identity.fromPem(toPem(pair.getPrivate().getEncoded()));
      Signature v = Signature.getInstance((String) c[2]);
      v.initVerify(pair.getPublic());
      v.update(MESSAGE);

      assertThat(id.keyType()).isEqualTo(c[1]);
      assertThat(v.verify(id.sign(MESSAGE))).as("%s", c[1]).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "",
    "not pem at all",
    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAHtHo+uLEoUS4vo/UtHvz07NLhxw8rPYBDw5C1HT84n4=\n-----END PUBLIC KEY-----\n",
  })
  void rejectsTextWithoutAPrivateKey(String pem) {
    assertThatThrownBy(() -> Identity.fromPem(pem)).isInstanceOf(InvalidKeyException.class);
  }

  @Test
  void loadOrCreateKeepsTheSameIdentity(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("identity.pem");

    Identity first = Identity.loadOrCreate(file);
    Identity second = Identity.loadOrCreate(file);

    assertThat(file).exists();
    assertThat(second.peerId()).isEqualTo(first.peerId());
    assertThat(Identity.fromPem(file).peerId()).isEqualTo(first.peerId());
    assertThat(Files.readString(file)).isEqualTo(first.toPem());
    // No temporary files left behind.
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void savedKeyIsOwnerOnly(@TempDir Path dir) throws Exception {
    assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"));
    Path file = dir.resolve("identity.pem");
    Identity.loadOrCreate(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void writePemReplacesAnExistingFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("identity.pem");
    Files.writeString(file, "old");
    Identity id = Identity.fromProtobuf(hex(KeyVectors.SECP256K1_PRIVATE));

    id.writePem(file);

    assertThat(Identity.fromPem(file).peerId()).isEqualTo(id.peerId());
  }

  @Test
  void loadOrCreateRejectsACorruptFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("identity.pem");
    Files.writeString(file, "garbage");

    assertThatThrownBy(() -> Identity.loadOrCreate(file)).isInstanceOf(InvalidKeyException.class);
    assertThat(Files.readString(file)).isEqualTo("garbage");
  }

  private static String toPem(byte[] der) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static byte[] pemBody(String pem) {
    String b64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "");
    return Base64.getMimeDecoder().decode(b64);
  }
}
