package io.peerlink.core;

/**
 * The TLS 1.3 implementation that runs libp2p TLS ({@code /tls/1.0.0}). Both speak the same wire
 * protocol and make the same libp2p certificate checks; they differ in speed and in what they need
 * from the platform.
 */
public enum TlsEngine {
  /**
   * {@link #NATIVE} where it loads, {@link #JAVA} otherwise. The system property
   * {@code peerlink.tls.engine} ({@code native}, {@code java} or {@code auto}) replaces this choice
   * when set, so an operator can switch engines without a code change. The default.
   */
  AUTO,

  /**
   * BoringSSL through Netty's {@code netty-tcnative-boringssl-static} (bundled for Linux x86-64 and
   * aarch64 and macOS x86-64 and aarch64): records are sealed and opened in native code straight
   * between pooled direct buffers. Choosing it where it cannot load makes building fail.
   */
  NATIVE,

  /**
   * Bouncy Castle's pure-Java TLS engine on the JDK's cryptography: runs on every platform, at
   * roughly half the native engine's throughput.
   */
  JAVA
}
