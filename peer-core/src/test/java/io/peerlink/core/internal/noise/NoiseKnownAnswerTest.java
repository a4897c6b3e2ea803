package io.peerlink.core.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.testing.Prerequisites;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Known-answer tests of the Noise primitives against published vectors. */
class NoiseKnownAnswerTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  /** RFC 8439 section 2.8.2, the AEAD_CHACHA20_POLY1305 example. */
  @ParameterizedTest
  @EnumSource(ChaChaPolyProvider.class)
  void rfc8439AeadVector(ChaChaPolyProvider provider) throws Exception {
    requireEngine(provider);
    byte[] key = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    byte[] nonce = hex("070000004041424344454647");
    byte[] ad = hex("50515253c0c1c2c3c4c5c6c7");
    byte[] plaintext = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip"
        + " for the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    byte[] expected = hex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
        + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
        + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
        + "3ff4def08e4b7a9de576d26586cec64b6116"
        + "1ae10b594f09e26a7e902ecbd0600691");
    byte[] out = new byte[expected.length];
    int n = provider.create(key).encrypt(nonce, ad, new ByteBuffer[] {ByteBuffer.wrap(plaintext)}, ByteBuffer.wrap(out));
    assertThat(n).isEqualTo(expected.length);
    assertThat(out).isEqualTo(expected);

    byte[] back = new byte[plaintext.length];
    assertThat(provider.create(key).decrypt(nonce, ad, new ByteBuffer[] {ByteBuffer.wrap(expected)}, ByteBuffer.wrap(back)))
        .isEqualTo(plaintext.length);
    assertThat(back).isEqualTo(plaintext);

    expected[5] ^= 1;
    ByteBuffer tampered = ByteBuffer.wrap(expected);
    assertThatThrownBy(() -> provider.create(key)
            .decrypt(nonce, ad, new ByteBuffer[] {tampered}, ByteBuffer.allocate(plaintext.length)))
        .isInstanceOf(AEADBadTagException.class);
    assertThat(tampered.position()).isZero(); // a failed decryption consumes nothing
  }

  /**
   * The same RFC 8439 vector with the plaintext gathered from heap and direct parts cut at odd
   * places, the output at an offset, and the ciphertext read from a direct buffer and from the
   * middle of an array: the shapes the Noise handler hands the engines.
   */
  @ParameterizedTest
  @EnumSource(ChaChaPolyProvider.class)
  void rfc8439VectorFromGatheredPartsAndOffsets(ChaChaPolyProvider provider) throws Exception {
    requireEngine(provider);
    byte[] key = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    byte[] nonce = hex("070000004041424344454647");
    byte[] ad = hex("50515253c0c1c2c3c4c5c6c7");
    byte[] plaintext = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip"
        + " for the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    byte[] expected = hex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
        + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
        + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
        + "3ff4def08e4b7a9de576d26586cec64b6116"
        + "1ae10b594f09e26a7e902ecbd0600691");
    ByteBuffer direct = ByteBuffer.allocateDirect(70);
    direct.put(plaintext, 12, 70).flip();
    ByteBuffer[] parts = {
        ByteBuffer.wrap(plaintext, 0, 12), direct, ByteBuffer.allocate(0),
        ByteBuffer.wrap(plaintext, 82, plaintext.length - 82).slice()};
    for (boolean directOut : new boolean[] {false, true}) {
      for (ByteBuffer part : parts) {
        part.rewind();
      }
      ByteBuffer out = directOut ? ByteBuffer.allocateDirect(7 + expected.length) : ByteBuffer.allocate(7 + expected.length);
      out.position(7);
      assertThat(provider.create(key).encrypt(nonce, ad, parts, out)).isEqualTo(expected.length);
      assertThat(out.position()).isEqualTo(out.limit());
      byte[] got = new byte[expected.length];
      out.get(7, got);
      assertThat(got).isEqualTo(expected);
      for (ByteBuffer part : parts) {
        assertThat(part.hasRemaining()).isFalse();
      }
    }

    // Ciphertext from a direct buffer, from the middle of an array, and in two parts; plaintext
    // into heap and direct buffers at an offset.
    byte[] framed = new byte[5 + expected.length];
    System.arraycopy(expected, 0, framed, 5, expected.length);
    ByteBuffer[][] shapes = {
        {ByteBuffer.allocateDirect(expected.length).put(expected).flip()},
        {ByteBuffer.wrap(framed, 5, expected.length)},
        {ByteBuffer.wrap(expected, 0, 50).slice(), ByteBuffer.allocateDirect(expected.length - 50).put(expected, 50, expected.length - 50).flip()}};
    for (ByteBuffer[] ciphertext : shapes) {
      for (boolean directOut : new boolean[] {false, true}) {
        ByteBuffer back = directOut ? ByteBuffer.allocateDirect(3 + plaintext.length) : ByteBuffer.allocate(3 + plaintext.length);
        back.position(3);
        ByteBuffer[] in = new ByteBuffer[ciphertext.length];
        for (int i = 0; i < in.length; i++) {
          in[i] = ciphertext[i].duplicate();
        }
        assertThat(provider.create(key).decrypt(nonce, ad, in, back)).isEqualTo(plaintext.length);
        byte[] got = new byte[plaintext.length];
        back.get(3, got);
        assertThat(got).isEqualTo(plaintext);
        for (ByteBuffer b : in) {
          assertThat(b.hasRemaining()).isFalse();
        }
      }
    }
  }

  /** Skips (fails with CI=true) a test of an engine whose native library does not load here. */
  static void requireEngine(ChaChaPolyProvider provider) {
    Prerequisites.require(provider.isAvailable(),
        provider + " ChaCha20-Poly1305 engine (Conscrypt's native library) does not load on this platform");
  }

  /** The engines are independent implementations; they must agree byte for byte, up to a full message. */
  @Test
  void enginesAgree() throws Exception {
    byte[] key = new byte[32];
    ThreadLocalRandom.current().nextBytes(key);
    CipherState bc = new CipherState(ChaChaPolyProvider.BOUNCY_CASTLE, key);
    List<CipherState> others = new ArrayList<>();
    for (ChaChaPolyProvider p : ChaChaPolyProvider.values()) {
      if (p != ChaChaPolyProvider.BOUNCY_CASTLE && p.isAvailable()) {
        others.add(new CipherState(p, key));
      }
    }
    for (int size : new int[] {0, 1, 63, 64, 65, 1000, 65_519}) {
      byte[] data = new byte[size];
      ThreadLocalRandom.current().nextBytes(data);
      byte[] expected = bc.encryptWithAd(new byte[0], data);
      for (CipherState other : others) {
        assertThat(other.encryptWithAd(new byte[0], data)).isEqualTo(expected);
      }
    }
  }

  /** RFC 7748 section 6.1. */
  @Test
  void rfc7748X25519Vector() throws Exception {
    X25519.KeyPair alice = X25519.fromPrivate(
        hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    X25519.KeyPair bob = X25519.fromPrivate(
        hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    assertThat(alice.publicKey())
        .isEqualTo(hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
    assertThat(bob.publicKey())
        .isEqualTo(hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"));
    byte[] shared = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    assertThat(X25519.dh(alice.privateKey(), bob.publicKey())).isEqualTo(shared);
    assertThat(X25519.dh(bob.privateKey(), alice.publicKey())).isEqualTo(shared);
  }

  @Test
  void generatedKeysAgree() throws Exception {
    X25519.KeyPair a = X25519.generate();
    X25519.KeyPair b = X25519.generate();
    assertThat(X25519.fromPrivate(a.privateKey()).publicKey())
        .isEqualTo(a.publicKey());
    assertThat(X25519.dh(a.privateKey(), b.publicKey()))
        .isEqualTo(X25519.dh(b.privateKey(), a.publicKey()));
  }

  /** A low-order point (here zero) must be refused rather than yield an all-zero secret. */
  @Test
  void smallOrderPointRejected() {
    X25519.KeyPair a = X25519.generate();
    assertThatThrownBy(() -> X25519.dh(a.privateKey(), new byte[32]))
        .isInstanceOf(GeneralSecurityException.class);
  }

  /** Noise's HKDF equals RFC 5869 with empty info; RFC 5869 test case 3 (salt = zeros). */
  @Test
  void hkdfMatchesRfc5869() {
    byte[] ikm = new byte[22];
    Arrays.fill(ikm, (byte) 0x0b);
    byte[][] out = SymmetricState.hkdf(new byte[32], ikm, 2);
    byte[] okm = new byte[42];
    System.arraycopy(out[0], 0, okm, 0, 32);
    System.arraycopy(out[1], 0, okm, 32, 10);
    assertThat(okm).isEqualTo(hex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
        + "9d201395faa4b61a96c8"));
  }

  /** ...and BouncyCastle's RFC 5869 implementation for random inputs and three outputs. */
  @Test
  void hkdfMatchesBouncyCastle() {
    byte[] ck = new byte[32];
    byte[] ikm = new byte[32];
    ThreadLocalRandom.current().nextBytes(ck);
    ThreadLocalRandom.current().nextBytes(ikm);
    byte[][] ours = SymmetricState.hkdf(ck, ikm, 3);
    HKDFBytesGenerator gen = new HKDFBytesGenerator(new SHA256Digest());
    gen.init(new HKDFParameters(ikm, ck, new byte[0]));
    byte[] theirs = new byte[96];
    gen.generateBytes(theirs, 0, 96);
    for (int i = 0; i < 3; i++) {
      assertThat(ours[i]).isEqualTo(Arrays.copyOfRange(theirs, 32 * i, 32 * i + 32));
    }
  }

  /**
   * The Noise_XX_25519_ChaChaPoly_SHA256 vector from the snow test suite (mcginty/snow
   * tests/vectors/snow.txt, cacophony format): three handshake messages, then two transport
   * messages, responder first, as senders keep alternating.
   */
  @ParameterizedTest
  @EnumSource(ChaChaPolyProvider.class)
  void snowXxVector(ChaChaPolyProvider provider) throws Exception {
    requireEngine(provider);
    byte[] prologue = hex("5468657265206973206e6f20726967687420616e642077726f6e672e"
        + "2054686572652773206f6e6c792066756e20616e6420626f72696e672e");
    HandshakeState init = new HandshakeState(true,
        X25519.fromPrivate(hex("7dec208517a3b81a2861d7a71266d5d6dc944c5a8816634a86fe63198a0148ee")),
        X25519.fromPrivate(hex("a32daf21e93c0131495ce1d903181fde81cc46937daaeb990bae7c992709421e")),
        prologue, provider);
    HandshakeState resp = new HandshakeState(false,
        X25519.fromPrivate(hex("4d0aed5098e3b4ef20357e9f686ce66204c792b358da2e475017d6c485304881")),
        X25519.fromPrivate(hex("4eece0f195d026db035ff987597c429d3ad3bcc2944df37d649528951b2a27c5")),
        prologue, provider);
    String[][] messages = {
      {"d03c489139e645d0711a3c9e810d776b46a84912463fafa87b884eebf242dc34",
       "f9fa868ba97ab8a2686deccfaad5a484ee10a5bb85e3d1dce015a84797f92818"
           + "d03c489139e645d0711a3c9e810d776b46a84912463fafa87b884eebf242dc34"},
      {"d8190a92f7dc0c93dbea9118ba8055751fb7c6590c416ffbd419964132b99a85",
       "8c4e6fdb7d09d501a86f7eca5c234522751706ed409182c05cdf5f827d4dae47b81c6c5f43b025692c24391eefee725c"
           + "17d8cb0fbe3e4abb8aedf42c4fd2592d4ea48ac08989d6ae8b4adae08b2c34087c808c7aa55a63c02b0fab9e9306"
           + "12336bd43eaea04d3c670a0a146691aa9cc9d357872320dc735dbc48580cffb553db"},
      {"77891b19dcb92ef7c055b672c4a5aa7fdf1c84146b8b303459022729473ce254",
       "933ca6b5ed60df3df66121f0ab49a09e49efa45c613a86a3cecbf4c535cef2f83f72b42837b18e3572f2fdc2b74c331e"
           + "2368a545cef54bdca081678ab0e9dd5348122459e0c034c851984d88ce610963d43cde6cfe73a67fbd5a63e8bfca96d0"},
      {"d7efdf988072881941db045a42882433817555128fbf5663e56081712ec7d212",
       "54ef0ff0629e1aaa7685a2806ab111cba76b52331f2642276736f415868eacb69ab2577f3bda0cbf72f879685f6ed25f"},
      {"dd7bf01a588bafb52c6cfba952e5d8fe35cc2b3f92b4730ae2474615157345ce",
       "356be70f110306d5c699bb834bb9d58d909e325924dfbec972e406e6f294dc63e1daebefe8a62a334facc8048ab4ad66"},
    };
    for (int i = 0; i < 3; i++) {
      HandshakeState writer = i % 2 == 0 ? init : resp;
      HandshakeState reader = i % 2 == 0 ? resp : init;
      byte[] ct = writer.writeMessage(hex(messages[i][0]));
      assertThat(HEX.formatHex(ct)).as("handshake message %d", i).isEqualTo(messages[i][1]);
      assertThat(reader.readMessage(ct)).isEqualTo(hex(messages[i][0]));
    }
    assertThat(init.isComplete()).isTrue();
    assertThat(resp.isComplete()).isTrue();
    assertThat(init.handshakeHash()).isEqualTo(resp.handshakeHash());
    assertThat(init.remoteStaticPublicKey()).isEqualTo(resp.localStaticPublicKey());
    assertThat(resp.remoteStaticPublicKey()).isEqualTo(init.localStaticPublicKey());
    for (int i = 3; i < 5; i++) {
      HandshakeState writer = i % 2 == 0 ? init : resp;
      HandshakeState reader = i % 2 == 0 ? resp : init;
      byte[] ct = writer.sender().encryptWithAd(new byte[0], hex(messages[i][0]));
      assertThat(HEX.formatHex(ct)).as("transport message %d", i).isEqualTo(messages[i][1]);
      assertThat(reader.receiver().decryptWithAd(new byte[0], ct)).isEqualTo(hex(messages[i][0]));
    }
  }
}
