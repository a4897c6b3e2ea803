package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.protocol.PingHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Peer#ping()} keeps one ping stream and reuses it; the listener closes a ping stream that
 * stays idle (go after 10 s). A ping after that close must open a fresh stream and succeed: before,
 * it was written on the finished stream, the listener answered with a reset, and a relay probe
 * took the live relay for dead and closed its connection every second probe. The finished stream
 * must also be closed on our side: left half-closed, it stayed on both ends for the connection's
 * life, one more every idle period (a relay probe every 15 s left 240 an hour).
 */
@Timeout(60)
class PingStreamReuseTest extends PeerTestSupport {
  private static final String PING = "/ipfs/ping/1.0.0";

  @Test
  void aPingAfterTheListenerClosedTheIdleStreamOpensAFreshOne() throws Exception {
    List<Channel> served = new CopyOnWriteArrayList<>();
    Listener server = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .handler(PING, stream -> {
          served.add(stream.channel());
          stream.channel().pipeline().addLast(new PingHandler(Duration.ofMillis(200)));
        }));
    Peer peer = get(connector().connect(server.listenAddresses().get(0)));

    get(peer.ping());
    get(peer.ping()); // while the stream is busy it is reused
    assertThat(served).hasSize(1);

    for (int round = 1; round <= 3; round++) {
      int streams = served.size();
      await("the listener to close the idle ping stream", () -> !served.get(streams - 1).isOpen());
      Duration rtt = get(peer.ping());
      assertThat(rtt).isPositive();
      assertThat(served).as("a fresh stream for round %d", round).hasSize(streams + 1);
    }
    assertThat(peer.isOpen()).isTrue();
    // The finished streams are closed on our side as well: only the current one is left.
    await("the finished ping streams to be closed", () -> peer.openStreams() <= 1);
  }
}
