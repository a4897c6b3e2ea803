package io.peerlink.core.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.util.LazyX509Certificate;
import io.peerlink.core.HandshakeException;
import io.peerlink.core.PeerError;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.KeyType;
import io.peerlink.core.identity.PublicKey;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import org.bouncycastle.asn1.DEROctetString;
import org.junit.jupiter.api.Test;

/** libp2p certificate generation and verification, against the spec's vectors and broken certificates. */
class Libp2pCertificatesTest {

  // Test vectors from libp2p/specs tls/tls.md ("Test vectors"), commit 7740c07.
  private static final String ED25519_CERT =
      "308201ae30820156a0030201020204499602d2300a06082a8648ce3d040302302031123010060355"
          + "040a13096c69627032702e696f310a300806035504051301313020170d3735303130313133303030"
          + "305a180f34303936303130313133303030305a302031123010060355040a13096c69627032702e69"
          + "6f310a300806035504051301313059301306072a8648ce3d020106082a8648ce3d03010703420004"
          + "0c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec8785"
          + "04c174144fa4b14b66a651691606d8173e55bd37e381569ea37c307a3078060a2b0601040183a25a"
          + "0101046a3068042408011220a77f1d92fedb59dddaea5a1c4abd1ac2fbde7d7b879ed36450180992"
          + "3d7c11b90440d90d2769db992d5e6195dbb08e706b6651e024fda6cfb8846694a435519941cac215"
          + "a8207792e42849cccc6cd8136c6e4bde92a58c5e08cfd4206eb5fe0bf909300a06082a8648ce3d04"
          + "03020346003043021f50f6b6c52711a881778718238f650c9fb48943ae6ee6d28427dc6071ae55e7"
          + "02203625f116a7a454db9c56986c82a25682f7248ea1cb764d322ea983ed36a31b77";

  private static final String ECDSA_CERT =
      "308201f63082019da0030201020204499602d2300a06082a8648ce3d040302302031123010060355"
          + "040a13096c69627032702e696f310a300806035504051301313020170d3735303130313133303030"
          + "305a180f34303936303130313133303030305a302031123010060355040a13096c69627032702e69"
          + "6f310a300806035504051301313059301306072a8648ce3d020106082a8648ce3d03010703420004"
          + "0c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec8785"
          + "04c174144fa4b14b66a651691606d8173e55bd37e381569ea381c23081bf3081bc060a2b06010401"
          + "83a25a01010481ad3081aa045f0803125b3059301306072a8648ce3d020106082a8648ce3d030107"
          + "03420004bf30511f909414ebdd3242178fd290f093a551cf75c973155de0bb5a96fedf6cb5d52da7"
          + "563e794b512f66e60c7f55ba8a3acf3dd72a801980d205e8a1ad29f2044730450220064ea8124774"
          + "caf8f50e57f436aa62350ce652418c019df5d98a3ac666c9386a022100aa59d704a931b5f72fb922"
          + "2cb6cc51f954d04a4e2e5450f8805fe8918f71eaae300a06082a8648ce3d04030203470030440220"
          + "799395b0b6c1e940a7e4484705f610ab51ed376f19ff9d7c16757cfbf61b8d4302206205c03fbb0f"
          + "95205c779be86581d3e31c01871ad5d1f3435bcf375cb0e5088a";

  private static final String SECP256K1_CERT =
      "308201ba3082015fa0030201020204499602d2300a06082a8648ce3d040302302031123010060355"
          + "040a13096c69627032702e696f310a300806035504051301313020170d3735303130313133303030"
          + "305a180f34303936303130313133303030305a302031123010060355040a13096c69627032702e69"
          + "6f310a300806035504051301313059301306072a8648ce3d020106082a8648ce3d03010703420004"
          + "0c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec8785"
          + "04c174144fa4b14b66a651691606d8173e55bd37e381569ea38184308181307f060a2b0601040183"
          + "a25a01010471306f0425080212210206dc6968726765b820f050263ececf7f71e4955892776c0970"
          + "542efd689d2382044630440220145e15a991961f0d08cd15425bb95ec93f6ffa03c5a385eedc34ec"
          + "f464c7a8ab022026b3109b8a3f40ef833169777eb2aa337cfb6282f188de0666d1bcec2a4690dd30"
          + "0a06082a8648ce3d0403020349003046022100e1a217eeef9ec9204b3f774a08b70849646b6a1e6b"
          + "8b27f93dc00ed58545d9fe022100b00dafa549d0f03547878338c7b15e7502888f6d45db387e5ae6"
          + "b5d46899cef0";

  private static final String INVALID_CERT =
      "308201f73082019da0030201020204499602d2300a06082a8648ce3d040302302031123010060355"
          + "040a13096c69627032702e696f310a300806035504051301313020170d3735303130313133303030"
          + "305a180f34303936303130313133303030305a302031123010060355040a13096c69627032702e69"
          + "6f310a300806035504051301313059301306072a8648ce3d020106082a8648ce3d03010703420004"
          + "0c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec8785"
          + "04c174144fa4b14b66a651691606d8173e55bd37e381569ea381c23081bf3081bc060a2b06010401"
          + "83a25a01010481ad3081aa045f0803125b3059301306072a8648ce3d020106082a8648ce3d030107"
          + "03420004bf30511f909414ebdd3242178fd290f093a551cf75c973155de0bb5a96fedf6cb5d52da7"
          + "563e794b512f66e60c7f55ba8a3acf3dd72a801980d205e8a1ad29f204473045022100bb6e03577b"
          + "7cc7a3cd1558df0da2b117dfdcc0399bc2504ebe7de6f65cade72802206de96e2a5be9b6202adba2"
          + "4ee0362e490641ac45c240db71fe955f2c5cf8df6e300a06082a8648ce3d04030203480030450221"
          + "00e847f267f43717358f850355bdcabbefb2cfbf8a3c043b203a14788a092fe8db022027c1d04a2d"
          + "41fd6b57a7e8b3989e470325de4406e52e084e34a3fd56eef0d0df";


  @Test
  void acceptsSpecVectorEd25519() throws Exception {
    PublicKey key = verify(TestCertificates.fromHex(ED25519_CERT));
    assertThat(key.type()).isEqualTo(KeyType.ED25519);
    assertThat(key.peerId().toBase58()).isEqualTo("12D3KooWM6CgA9iBFZmcYAHA6A2qvbAxqfkmrYiRQuz3XEsk4Ksv");
  }

  @Test
  void acceptsSpecVectorEcdsa() throws Exception {
    PublicKey key = verify(TestCertificates.fromHex(ECDSA_CERT));
    assertThat(key.type()).isEqualTo(KeyType.ECDSA);
    assertThat(key.peerId().toBase58()).isEqualTo("QmfXbAwNjJLXfesgztEHe8HwgVDCMMpZ9Eax1HYq6hn9uE");
  }

  @Test
  void acceptsSpecVectorSecp256k1() throws Exception {
    PublicKey key = verify(TestCertificates.fromHex(SECP256K1_CERT));
    assertThat(key.type()).isEqualTo(KeyType.SECP256K1);
    assertThat(key.peerId().toBase58()).isEqualTo("16Uiu2HAkutTMoTzDw1tCvSRtu6YoixJwS46S1ZFxW8hSx9fWHiPs");
  }

  @Test
  void rejectsSpecInvalidVector() throws Exception {
    assertRejected(TestCertificates.fromHex(INVALID_CERT), "signature over the certificate key does not verify");
  }

  @Test
  void specVectorsAreValidFrom1975To4096() throws Exception {
    // Their validity is 1975-01-01 .. 4096-01-01, so go and we check them at the current time.
    X509Certificate cert = TestCertificates.fromHex(ED25519_CERT);
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(Instant.parse("1975-01-01T13:00:00Z"));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(Instant.parse("4096-01-01T13:00:00Z"));
    assertThatThrownBy(() -> Libp2pCertificates.verify(new X509Certificate[] {cert}, at("1974-12-31T00:00:00Z")))
        .isInstanceOf(HandshakeException.class)
        .hasMessageContaining("not valid before");
  }

  @Test
  void generatedCertificateRoundTrips() throws Exception {
    Identity id = Identity.generate();
    CertifiedKey ck = Libp2pCertificates.generate(id);
    PublicKey key = verify(ck.certificate());
    assertThat(key).isEqualTo(id.publicKey());
    assertThat(key.peerId()).isEqualTo(id.peerId());
  }

  @Test
  void generatedCertificateHasGosLayout() throws Exception {
    Instant now = Instant.parse("2030-06-01T12:00:00Z");
    CertifiedKey ck = Libp2pCertificates.generate(Identity.generate(), Clock.fixed(now, ZoneOffset.UTC));
    X509Certificate cert = ck.certificate();
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(ck.privateKey().getAlgorithm()).isEqualTo("EC");
    assertThat(cert.getSerialNumber().signum()).isPositive();
    assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());
    // One serialNumber attribute (2.5.4.5) as a PrintableString (tag 0x13), as go writes it.
    assertThat(cert.getSubjectX500Principal().getName()).matches("2\\.5\\.4\\.5=#13[0-9a-f]+");
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(now.minus(1, ChronoUnit.HOURS));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(now.plus(36500, ChronoUnit.DAYS));
    assertThat(cert.getNonCriticalExtensionOIDs()).containsExactly(Libp2pCertificates.EXTENSION_OID);
    assertThat(cert.getCriticalExtensionOIDs()).isNullOrEmpty();
    assertThat(cert.getExtendedKeyUsage()).isNull();
    assertThat(cert.getVersion()).isEqualTo(3);
    // Valid at the clock it was made with, not an hour and a bit earlier.
    assertThat(Libp2pCertificates.verify(new X509Certificate[] {cert}, Clock.fixed(now, ZoneOffset.UTC))).isNotNull();
    assertThatThrownBy(() -> Libp2pCertificates.verify(new X509Certificate[] {cert}, Clock.fixed(now.minus(2, ChronoUnit.HOURS), ZoneOffset.UTC)))
        .hasMessageContaining("not valid before");
  }

  @Test
  void eachCertificateHasAFreshKeyAndSerial() {
    Identity id = Identity.generate();
    CertifiedKey a = Libp2pCertificates.generate(id);
    CertifiedKey b = Libp2pCertificates.generate(id);
    assertThat(a.certificate().getPublicKey()).isNotEqualTo(b.certificate().getPublicKey());
    assertThat(a.certificate().getSerialNumber()).isNotEqualTo(b.certificate().getSerialNumber());
    assertThat(a.certificate().getPublicKey().getEncoded()).isNotEqualTo(id.publicKey().raw());
  }

  @Test
  void rejectsEmptyExtensionValueAsHandshakeFailure() throws Exception {
    // A self-signed certificate anyone can make; it threw NullPointerException until the fuzzer found it.
    X509Certificate cert = TestCertificates.builder(TestCertificates.p256()).libp2pRaw(new byte[0]).build();
    assertRejected(cert, "empty SignedKey");
  }

  @Test
  void rejectsCertificateWithoutExtension() throws Exception {
    X509Certificate cert = TestCertificates.builder(TestCertificates.p256()).build();
    assertRejected(cert, "lacks the libp2p public key extension");
  }

  @Test
  void rejectsSignatureByAnotherHostKey() throws Exception {
    Identity claimed = Identity.generate();
    Identity signer = Identity.generate();
    KeyPair certKey = TestCertificates.p256();
    byte[] sig = signer.sign(TestCertificates.concat(Libp2pCertificates.SIGNATURE_PREFIX, certKey.getPublic().getEncoded()));
    X509Certificate cert = TestCertificates.builder(certKey)
        .libp2p(TestCertificates.signedKey(claimed.publicKey().marshal(), sig), false)
        .build();
    assertRejected(cert, "signature over the certificate key does not verify");
  }

  @Test
  void rejectsSignedKeyForAnotherCertificateKey() throws Exception {
    // A host signature lifted from another certificate does not cover this certificate's key.
    Identity id = Identity.generate();
    X509Certificate cert = TestCertificates.builder(TestCertificates.p256())
        .libp2p(TestCertificates.signedKey(id, TestCertificates.p256()), false)
        .build();
    assertRejected(cert, "signature over the certificate key does not verify");
  }

  @Test
  void rejectsBadSelfSignature() throws Exception {
    Identity id = Identity.generate();
    KeyPair certKey = TestCertificates.p256();
    X509Certificate cert = TestCertificates.builder(certKey)
        .libp2p(TestCertificates.signedKey(id, certKey), false)
        .signedBy(TestCertificates.p256())
        .build();
    assertRejected(cert, "self-signature does not verify");
  }

  @Test
  void rejectsCertificateNotSelfIssued() throws Exception {
    Identity id = Identity.generate();
    KeyPair certKey = TestCertificates.p256();
    X509Certificate cert = TestCertificates.builder(certKey)
        .libp2p(TestCertificates.signedKey(id, certKey), false)
        .issuer("CN=some CA")
        .build();
    assertRejected(cert, "not self-issued");
  }

  @Test
  void rejectsExpiredAndNotYetValid() throws Exception {
    Identity id = Identity.generate();
    KeyPair certKey = TestCertificates.p256();
    Instant t = Instant.parse("2030-01-01T00:00:00Z");
    X509Certificate cert = TestCertificates.builder(certKey)
        .libp2p(TestCertificates.signedKey(id, certKey), false)
        .validity(t, t.plus(1, ChronoUnit.DAYS))
        .build();
    X509Certificate[] chain = {cert};
    assertThat(Libp2pCertificates.verify(chain, at("2030-01-01T12:00:00Z"))).isEqualTo(id.publicKey());
    assertThatThrownBy(() -> Libp2pCertificates.verify(chain, at("2030-01-03T00:00:00Z")))
        .isInstanceOf(HandshakeException.class).hasMessageContaining("expired");
    assertThatThrownBy(() -> Libp2pCertificates.verify(chain, at("2029-12-31T00:00:00Z")))
        .isInstanceOf(HandshakeException.class).hasMessageContaining("not valid before");
  }

  @Test
  void verifiesFromTheEncodingAloneSoTheJdksParserNeverRuns() throws Exception {
    // js-libp2p's empty names, handed over as the native engine does: a lazy wrapper whose every
    // method but getEncoded() would run the JDK's parser, which refuses the empty issuer.
    Identity id = Identity.generate();
    KeyPair certKey = TestCertificates.p256();
    byte[] der = TestCertificates.builder(certKey)
        .names("")
        .libp2p(TestCertificates.signedKey(id, certKey), true)
        .build()
        .getEncoded();
    X509Certificate lazy = new LazyX509Certificate(der);
    assertThatThrownBy(lazy::getIssuerX500Principal).as("the JDK cannot parse it").isNotNull();
    assertThat(verify(lazy)).isEqualTo(id.publicKey());
  }

  @Test
  void rejectsACertificateThatIsNotDer() {
    assertRejected(new LazyX509Certificate(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}), "malformed certificate");
  }

  @Test
  void acceptsCriticalLibp2pExtensionAsJsSendsIt() throws Exception {
    Identity id = Identity.generate();
    KeyPair certKey = TestCertificates.p256();
    X509Certificate cert = TestCertificates.builder(certKey)
        .libp2p(TestCertificates.signedKey(id, certKey), true)
        .build();
    assertThat(verify(cert)).isEqualTo(id.publicKey());
  }

  @Test
  void rejectsUnknownCriticalExtensionButIgnoresUnknownNonCritical() throws Exception {
    Identity id = Identity.generate();
    KeyPair certKey = TestCertificates.p256();
    X509Certificate ignored = TestCertificates.builder(certKey)
        .libp2p(TestCertificates.signedKey(id, certKey), false)
        .extra("1.2.3.4.5", false)
        .build();
    assertThat(verify(ignored)).isEqualTo(id.publicKey());
    X509Certificate refused = TestCertificates.builder(certKey)
        .libp2p(TestCertificates.signedKey(id, certKey), false)
        .extra("1.2.3.4.5", true)
        .build();
    assertRejected(refused, "unknown critical extension 1.2.3.4.5");
  }

  @Test
  void rejectsMalformedExtensionValue() throws Exception {
    KeyPair certKey = TestCertificates.p256();
    X509Certificate cert = TestCertificates.builder(certKey)
        .libp2p(new DEROctetString(new byte[] {1, 2, 3}), false)
        .build();
    assertRejected(cert, "malformed libp2p extension");
  }

  @Test
  void rejectsGarbageHostKey() throws Exception {
    KeyPair certKey = TestCertificates.p256();
    X509Certificate cert = TestCertificates.builder(certKey)
        .libp2p(TestCertificates.signedKey(new byte[] {0x08, 0x07, 0x12, 0x01, 0x00}, new byte[64]), false)
        .build();
    assertRejected(cert, "invalid host key");
  }

  @Test
  void rejectsChainsThatAreNotExactlyOneCertificate() throws Exception {
    X509Certificate cert = Libp2pCertificates.generate(Identity.generate()).certificate();
    assertThatThrownBy(() -> Libp2pCertificates.verify(new X509Certificate[0]))
        .isInstanceOf(HandshakeException.class).hasMessage("expected exactly one certificate, got 0");
    assertThatThrownBy(() -> Libp2pCertificates.verify(new X509Certificate[] {cert, cert}))
        .isInstanceOf(HandshakeException.class).hasMessage("expected exactly one certificate, got 2");
    assertThatThrownBy(() -> Libp2pCertificates.verify(null))
        .isInstanceOf(HandshakeException.class);
  }

  @Test
  void hexHelperReadsTheVectorsExactly() {
    assertThat(HexFormat.of().parseHex(ED25519_CERT)).hasSize(0x1ae + 4);
  }

  private static PublicKey verify(X509Certificate cert) throws HandshakeException {
    return Libp2pCertificates.verify(new X509Certificate[] {cert});
  }

  private static void assertRejected(X509Certificate cert, String reason) {
    assertThatThrownBy(() -> verify(cert))
        .isInstanceOf(HandshakeException.class)
        .hasMessageContaining(reason)
        .satisfies(e -> assertThat(((HandshakeException) e).kind()).isEqualTo(PeerError.TLS));
  }

  private static Clock at(String instant) {
    return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
  }
}
