package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.spi.RefusalLog;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Refused inbound connections are visible to operators: each one is counted and reported as an
 * event, and logged at INFO with its reason and remote, a line per reason per second at most.
 */
@Timeout(60)
class ListenerRefusalLogTest extends PeerTestSupport {
  private static final int REFUSED = 50;

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final AtomicLong clock = new AtomicLong();
  private final AtomicInteger refusedEvents = new AtomicInteger();

  @Test
  void manyRefusedConnectionsAreCountedAndLoggedOncePerSecondWithTheRestCounted() throws Exception {
    Listener server = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .limits(ListenerLimits.builder().maxInbound(1).build())
        .refusalLog(Duration.ofSeconds(1), clock::get, lines::add)
        .eventListener(new EventListener() {
          @Override
          public void inboundRefused(InetSocketAddress remote, RejectReason reason) {
            refusedEvents.incrementAndGet();
          }
        }));
    InetSocketAddress addr = server.listenAddresses().get(0).toSocketAddress().orElseThrow();
    get(connector().connect(server.listenAddresses().get(0))); // takes the one slot

    for (int i = 0; i < REFUSED; i++) {
      try (Socket s = new Socket(addr.getAddress(), addr.getPort())) {
        s.getInputStream().read(); // the listener closes it at once
      }
    }
    await("every refusal counted", () -> server.stats().rejected() == REFUSED);
    await("every refusal reported", () -> refusedEvents.get() == REFUSED);
    assertThat(server.stats().rejectedByReason()).containsEntry(RejectReason.TOO_MANY_INBOUND, (long) REFUSED);
    assertThat(lines).as("one line in the first second").singleElement().asString()
        .startsWith("refused TOO_MANY_INBOUND from /127.0.0.1:")
        .doesNotContain("more since");

    clock.addAndGet(Duration.ofSeconds(1).toNanos());
    try (Socket s = new Socket(addr.getAddress(), addr.getPort())) {
      s.getInputStream().read();
    }
    await("the next line", () -> lines.size() == 2);
    assertThat(lines.get(1)).startsWith("refused TOO_MANY_INBOUND from /127.0.0.1:")
        .endsWith("(and " + (REFUSED - 1) + " more since the last such line)");
  }
}
