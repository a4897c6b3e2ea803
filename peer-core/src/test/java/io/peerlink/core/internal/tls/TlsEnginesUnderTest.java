package io.peerlink.core.internal.tls;

import io.peerlink.core.TlsEngine;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The TLS engines a test runs over: the Java engine always, the native one wherever it can load.
 * On the platforms peerlink ships BoringSSL for (Linux and macOS on x86-64 and aarch64) the native
 * engine must load: a broken native build fails the tests there instead of quietly testing less.
 */
public final class TlsEnginesUnderTest {
  private TlsEnginesUnderTest() {}

  /** {@link TlsEngine#NATIVE} (where it runs) and {@link TlsEngine#JAVA}, for parameterized tests. */
  public static Stream<TlsEngine> engines() {
    if (TlsEngines.nativeAvailable()) {
      return Stream.of(TlsEngine.NATIVE, TlsEngine.JAVA);
    }
    if (nativeShipsFor(System.getProperty("os.name"), System.getProperty("os.arch"))) {
      throw new AssertionError("the native TLS engine should load on this platform but does not");
    }
    System.err.println("SKIPPING the native TLS engine: no BoringSSL build for "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    return Stream.of(TlsEngine.JAVA);
  }

  /** Whether peerlink bundles BoringSSL for this {@code os.name} and {@code os.arch}. */
  public static boolean nativeShipsFor(String os, String arch) {
    String o = os.toLowerCase(Locale.ROOT);
    String a = arch.toLowerCase(Locale.ROOT);
    boolean knownArch = a.equals("amd64") || a.equals("x86_64") || a.equals("aarch64") || a.equals("arm64");
    return knownArch && (o.startsWith("linux") || o.startsWith("mac"));
  }
}
