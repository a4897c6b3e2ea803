package io.peerlink.core.identity;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.InvalidKeyException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM text for identity keys, through BouncyCastle's PEM reader and writer. Writes PKCS#8
 * {@code PRIVATE KEY}; reads that, and also the OpenSSL-traditional {@code RSA PRIVATE KEY} /
 * {@code EC PRIVATE KEY} blocks, since tools produce both. Encrypted keys are not supported.
 */
final class Pem {
  /** Largest PEM text accepted, in characters. */
  public static final int MAX_PEM_CHARS = 64 * 1024;

  private Pem() {}

  /** The key as a {@code PRIVATE KEY} PEM block (BouncyCastle's writer: 64-character lines). */
  public static String encode(PrivateKeyImpl key) {
    StringWriter text = new StringWriter();
    try (PemWriter pem = new PemWriter(text)) {
      pem.writeObject(new PemObject("PRIVATE KEY", key.pkcs8()));
    } catch (IOException e) {
      throw new UncheckedIOException("a StringWriter does not fail", e);
    }
    return text.toString();
  }

  /**
   * Reads the first private key in {@code pem}; other blocks (certificates, parameters) before it
   * are skipped.
   *
   * @throws InvalidKeyException if there is no supported, unencrypted private key
   */
  public static PrivateKeyImpl decode(String pem) throws InvalidKeyException {
    if (pem.length() > MAX_PEM_CHARS) {
      throw new InvalidKeyException("PEM text too long");
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PrivateKeyInfo info) {
          return Keys.fromPkcs8(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return Keys.fromPkcs8(pair.getPrivateKeyInfo());
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidKeyException("malformed PEM private key", e);
    }
    throw new InvalidKeyException("no unencrypted private key in PEM text");
  }
}
