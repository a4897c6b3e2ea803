package io.peerlink.benchmarks.e2e;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The baseline: a plain JDK (SunJSSE) TLS 1.3 socket pair with a throwaway self-signed P-256
 * certificate, and the tiny protocol both ends speak: one mode byte ({@link #ECHO} or
 * {@link #SINK}), an 8-byte big-endian length, then the payload. ECHO writes every byte back;
 * SINK reads them all and answers one byte.
 */
final class RawTls {
  static final byte ECHO = 'E';
  static final byte SINK = 'S';
  static final int CHUNK = 64 * 1024;

  private RawTls() {}

  /** A SunJSSE TLS 1.3 context with a fresh self-signed certificate that trusts any peer. */
  static SSLContext context() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    X500Name name = new X500Name("CN=raw-tls-baseline");
    long now = System.currentTimeMillis();
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
        new JcaX509v3CertificateBuilder(name, BigInteger.ONE, new Date(now - 3_600_000), new Date(now + 86_400_000),
            name, kp.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = "bench".toCharArray();
    ks.setKeyEntry("key", kp.getPrivate(), pw, new X509Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509", "SunJSSE");
    kmf.init(ks, pw);
    SSLContext ctx = SSLContext.getInstance("TLSv1.3", "SunJSSE");
    ctx.init(kmf.getKeyManagers(), new TrustManager[] {new TrustAll()}, null);
    return ctx;
  }

  /** The baseline authenticates nobody: only the record layer is being measured. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
