package io.peerlink.core.internal.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import io.peerlink.core.TlsEngine;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which {@link TlsEngine} runs: the configured one, or for {@link TlsEngine#AUTO} the
 * system property {@value #PROPERTY}, or else the native engine if it loads. Says at INFO, once
 * per process, which engine runs and, when the native one does not, why.
 */
public final class TlsEngines {
  /** System property that replaces {@link TlsEngine#AUTO}: {@code native}, {@code java} or {@code auto}. */
  public static final String PROPERTY = "peerlink.tls.engine";

  private static final Logger log = LoggerFactory.getLogger(TlsEngines.class);
  private static final AtomicBoolean NATIVE_LOGGED = new AtomicBoolean();
  private static final AtomicBoolean JAVA_LOGGED = new AtomicBoolean();

  private TlsEngines() {}

  /** Whether BoringSSL (netty-tcnative) loaded in this process and speaks TLS 1.3. */
  public static boolean nativeAvailable() {
    return OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL);
  }

  /** Why the native engine cannot run here, or null if it can. */
  static String nativeUnavailableReason() {
    if (!OpenSsl.isAvailable()) {
      Throwable cause = OpenSsl.unavailabilityCause();
      return cause == null ? "netty-tcnative did not load" : cause.toString();
    }
    return SslProvider.isTlsv13Supported(SslProvider.OPENSSL) ? null : OpenSsl.versionString() + " lacks TLS 1.3";
  }

  /**
   * The engine that runs for {@code requested}: {@link TlsEngine#NATIVE} or {@link TlsEngine#JAVA},
   * never AUTO.
   *
   * @throws IllegalStateException if the native engine is asked for (by the configuration or the
   *     system property) and cannot load, or the property holds something else than the three names
   */
  public static TlsEngine resolve(TlsEngine requested) {
    TlsEngine wanted = requested != TlsEngine.AUTO ? requested : fromProperty();
    TlsEngine chosen;
    String why;
    if (wanted == TlsEngine.NATIVE) {
      String reason = nativeUnavailableReason();
      if (reason != null) {
        throw new IllegalStateException("the native TLS engine was asked for but cannot run: " + reason);
      }
      chosen = TlsEngine.NATIVE;
      why = "as configured";
    } else if (wanted == TlsEngine.JAVA) {
      chosen = TlsEngine.JAVA;
      why = "as configured";
    } else {
      String reason = nativeUnavailableReason();
      chosen = reason == null ? TlsEngine.NATIVE : TlsEngine.JAVA;
      why = reason == null ? "it loaded" : "the native engine cannot run: " + reason;
    }
    logOnce(chosen, why);
    return chosen;
  }

  private static TlsEngine fromProperty() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      return TlsEngine.AUTO;
    }
    try {
      return TlsEngine.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "system property " + PROPERTY + " must be native, java or auto, not '" + value + "'", e);
    }
  }

  private static void logOnce(TlsEngine engine, String why) {
    AtomicBoolean logged = engine == TlsEngine.NATIVE ? NATIVE_LOGGED : JAVA_LOGGED;
    if (logged.compareAndSet(false, true)) {
      if (engine == TlsEngine.NATIVE) {
        log.info("libp2p TLS runs on the native engine ({} through netty-tcnative): {}",
            OpenSsl.versionString(), why);
      } else {
        log.info("libp2p TLS runs on the Java engine (Bouncy Castle JSSE): {}", why);
      }
    }
  }
}
