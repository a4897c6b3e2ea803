package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.host.Transports;
import io.peerlink.core.spi.Host;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host on an event loop group it does not own (many hosts sharing one, as a simulation runs
 * them) keeps no connection once closed: the loops keep running, so a dial begun after the close
 * still reaches the remote and finishes its handshake, and must then be refused.
 */
@Timeout(60)
class SharedLoopCloseTest extends PeerTestSupport {

  @Test
  void aConnectionWhoseUpgradeFinishesAfterTheCloseIsRefused() throws Exception {
    EventLoopGroup shared = Transports.newGroup(1, "shared");
    try {
      Listener remote = listen();
      Listener closed = Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
          .eventLoopGroup(shared).build().start().get(20, TimeUnit.SECONDS);
      closed.close();

      // As a protocol's background work dials (the DHT's lookups, AutoRelay): through the host SPI.
      CompletableFuture<Peer> late = Host.of(closed).dial(remote.listenAddresses().get(0));
      assertThat(late).failsWithin(20, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOf(PeerException.class);
      assertThat(closed.peers()).isEmpty();
      await("the remote to see the connection go", () -> remote.peers().isEmpty());
      assertThat(shared.isShuttingDown()).as("the shared loops are not the host's to stop").isFalse();
    } finally {
      shared.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
