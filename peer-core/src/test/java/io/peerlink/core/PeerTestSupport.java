package io.peerlink.core;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;

/** Listeners and connectors on 127.0.0.1 that a test closes afterwards. */
abstract class PeerTestSupport {
  static final Multiaddr LOOPBACK = Multiaddr.parse("/ip4/127.0.0.1/tcp/0");
  /** Noise: no certificate to make, so the quickest handshake in tests. */
  static final PeerConfig FAST = PeerConfig.builder().securityProtocols(SecurityProtocol.NOISE).build();
  static final DialPolicy NO_RETRY = DialPolicy.builder().maxAttempts(1).build();

  private final List<AutoCloseable> closers = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
  }

  <T extends AutoCloseable> T closeLater(T c) {
    closers.add(c);
    return c;
  }

  Listener listen(Listener.Builder b) {
    return closeLater(b.build().start().join());
  }

  Listener listen() {
    return listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK));
  }

  Connector connector(Connector.Builder b) {
    return closeLater(b.build());
  }

  Connector connector() {
    return connector(Connector.builder(Identity.generate()).config(FAST).dialPolicy(NO_RETRY));
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(20, TimeUnit.SECONDS);
  }

  /** Waits for a condition that follows from an event the test cannot hook directly. */
  static void await(String what, BooleanSupplier condition) {
    Awaitility.await(what).atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(5)).until(condition::getAsBoolean);
  }
}
