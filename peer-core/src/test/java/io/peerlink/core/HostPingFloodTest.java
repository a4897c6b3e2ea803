package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.host.PeerConnection;
import io.peerlink.core.internal.yamux.YamuxFrame;
import io.peerlink.core.internal.yamux.YamuxSession;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ping flood against a whole host, through Noise: a peer sends yamux pings and never reads
 * the replies. The replies the host owes it queue only up to {@code maxPendingControlFrames}
 * while the connection is unwritable; then the host closes that connection, keeps serving others,
 * and stops cleanly.
 */
@Timeout(120)
class HostPingFloodTest extends PeerTestSupport {
  /** 24 MB of replies: more than the kernel buffers of a loopback connection hold. */
  private static final int PINGS = 2_000_000;
  private static final int PINGS_PER_FLUSH = 10_000;

  @Test
  void aPeerThatPingsAndNeverReadsLosesItsConnectionAndOthersAreStillServed() throws Exception {
    List<ResourceLimits.Resource> hits = new CopyOnWriteArrayList<>();
    Listener server = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .handler(Echo.PROTOCOL_ID, Echo.handler())
        .eventListener(new EventListener() {
          @Override
          public void resourceLimitExceeded(ResourceLimits.Scope scope, ResourceLimits.Resource resource,
              String remote) {
            hits.add(resource);
          }
        }));
    Connector attacker = connector();
    PeerConnection conn = (PeerConnection) get(attacker.connect(server.listenAddresses().get(0)));
    get(conn.identify());
    await("the server to hold the connection", () -> server.stats().open() == 1);

    ChannelHandlerContext yamux = conn.channel().pipeline().context(YamuxSession.class);
    conn.channel().eventLoop().submit(() -> conn.channel().config().setAutoRead(false)).get();
    // Pings go out below our own session (which would track and limit them), straight to the
    // encoder, a batch per event loop task, until all are sent or the server hangs up.
    for (int sent = 0; sent < PINGS && conn.channel().isActive(); sent += PINGS_PER_FLUSH) {
      int first = sent;
      conn.channel().eventLoop().submit(() -> {
        for (int i = first; i < first + PINGS_PER_FLUSH; i++) {
          yamux.write(YamuxFrame.ping(YamuxFrame.FLAG_SYN, i), yamux.voidPromise());
        }
        yamux.flush();
      }).get(20, TimeUnit.SECONDS);
    }

    await("the server to drop the flooding connection", () -> server.stats().open() == 0);
    await("the refusal to be reported", () -> hits.contains(ResourceLimits.Resource.CONTROL_FRAMES));
    assertThat(server.core().resources().used(ResourceLimits.Resource.MEMORY)).isZero();

    Peer innocent = get(connector().connect(server.listenAddresses().get(0)));
    assertThat(get(Echo.roundTrip(innocent, new byte[64 * 1024]))).isLessThan(Duration.ofSeconds(20));
  }
}
