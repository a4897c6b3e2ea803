package io.peerlink.core.internal.tls;

import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * The JSSE provider of the Java engine's contexts ({@link JavaTlsContexts}): Bouncy Castle's TLS
 * engine, with the runtime's own JCA providers for all cryptography and Bouncy Castle's certificate
 * parser.
 *
 * <p>Why not the JDK's engine: it parses the peer's certificates with the global
 * {@code CertificateFactory} before any trust manager runs, and the JDK's parser refuses a
 * certificate with an empty issuer name ({@code "Empty issuer DN not allowed in
 * X509Certificates"}). js-libp2p ({@code @libp2p/tls}) makes exactly such certificates, and the
 * libp2p spec requires nothing of the names, so the JDK engine cannot talk to js at all. The only
 * JDK-side cure would be a global provider change, which a library must not make.
 *
 * <p>Why this split: Bouncy Castle's parser accepts the certificate; the runtime's providers keep
 * the fast paths (AES-GCM with AES-NI/CLMUL intrinsics, the JDK's ECDSA and X25519), which
 * Bouncy Castle's pure-Java primitives would otherwise replace. Nothing is registered globally:
 * both providers are private instances handed only to our own {@code SSLContext}s.
 *
 * <p>Created once, on first use, and shared: building a {@link BouncyCastleProvider} costs tens of
 * milliseconds, while an {@code SSLContext} from an existing provider is cheap. Hosts on the
 * native engine never load it.
 */
final class TlsEngineProvider {
  /**
   * Bouncy Castle's JSSE logs three INFO lines per connection ("accepting connection", ...) through
   * {@code java.util.logging}, which by default prints INFO to stderr: a node with many peers
   * would flood it. Unless the application configured a level for these loggers (or an ancestor
   * below the root), they log from WARNING up. Set before the provider exists, so its start-up
   * INFO lines are quiet too. A strong reference, because JUL forgets the level of a logger that
   * is garbage-collected.
   */
  private static final Logger BC_JSSE_LOG = quietByDefault(Logger.getLogger("org.bouncycastle.jsse"));

  /** Bouncy Castle's JCA provider, used for nothing but parsing certificates. */
  private static final Provider CERTIFICATE_PARSER = new BouncyCastleProvider();

  /** The provider to pass to {@code SslContextBuilder.sslContextProvider}. */
  static final Provider JSSE =
      new BouncyCastleJsseProvider(false, new CryptoProvider());

  private TlsEngineProvider() {}

  private static Logger quietByDefault(Logger logger) {
    for (Logger l = logger; l != null && l.getParent() != null; l = l.getParent()) {
      if (l.getLevel() != null) {
        return logger; // configured by the application: its choice
      }
    }
    logger.setLevel(Level.WARNING);
    return logger;
  }

  /** Bouncy Castle's TLS crypto on the default JCA providers, except for certificate parsing. */
  private static final class CryptoProvider extends JcaTlsCryptoProvider {
    private static final JcaJceHelper HELPER = new LenientCertificatesHelper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private JcaTlsCrypto shared; // guarded by this

    @Override
    public JcaJceHelper getHelper() {
      return HELPER;
    }

    @Override
    public JcaTlsCrypto create(SecureRandom random) {
      // Netty initialises every SSLContext without a SecureRandom; Bouncy Castle's fallback then
      // asks the default providers for a "DEFAULT" SecureRandom, which only Bouncy Castle's own
      // provider has. So: the runtime's default SecureRandom, as the JDK engine would use, and
      // one crypto object for all our contexts. It is safe to share (one context's engines all
      // use its crypto concurrently) and it caches which curves and ciphers the providers
      // support, which a new one probes again, with exceptions, on every connection.
      return random != null ? super.create(random) : shared();
    }

    private synchronized JcaTlsCrypto shared() {
      if (shared == null) {
        shared = super.create(RANDOM);
      }
      return shared;
    }
  }

  /** The runtime's default providers, but Bouncy Castle's X.509 parser, which allows empty names. */
  private static final class LenientCertificatesHelper extends DefaultJcaJceHelper {
    @Override
    public CertificateFactory createCertificateFactory(String type) throws CertificateException {
      return CertificateFactory.getInstance(type, CERTIFICATE_PARSER);
    }
  }
}
