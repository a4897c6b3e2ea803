package io.peerlink.core.internal.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Echo;
import io.peerlink.core.EventListener;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PathQuality;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.PeerHandle;
import io.peerlink.core.PeerState;
import io.peerlink.core.Stream;
import io.peerlink.core.event.PathChangeReason;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.metrics.MicrometerMetrics;
import io.peerlink.core.spi.Host;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The per-peer handle over real connections on 127.0.0.1: a direct one and one upgraded as a
 * relayed one (limited or not), as {@link HandlePeers} makes them.
 */
@Timeout(60)
class PeerHandleLoopbackTest {
  private static final ConnectionLimit LIMIT = new ConnectionLimit(Duration.ofMinutes(2), 1 << 17);
  private static final String APP = "/app/1.0.0";

  /** A path change as the client's event listener saw it. */
  record Change(PeerId peer, Peer from, Peer to, PathChangeReason reason) {}

  private final List<Change> changes = new CopyOnWriteArrayList<>();
  private final EventListener events = new EventListener() {
    @Override
    public void pathChanged(PeerId peer, Peer from, Peer to, PathChangeReason reason) {
      changes.add(new Change(peer, from, to, reason));
    }
  };
  private HandlePeers peers;

  private HandlePeers peers(PeerConfig config) {
    peers = new HandlePeers(config, events);
    return peers;
  }

  @AfterEach
  void close() throws Exception {
    if (peers != null) {
      peers.close();
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
        .until(condition::getAsBoolean);
  }

  @Test
  void everyConnectionToAPeerJoinsOneHandleAndTheDirectOneCarriesNewStreams() throws Exception {
    HandlePeers p = peers(HandlePeers.config().build());
    PeerConnection relayed = p.relayed(null);
    PeerHandle handle = p.handle();
    assertThat(handle.current()).contains(relayed);

    PeerConnection direct = p.direct();
    assertThat(handle.connections()).containsExactly(direct, relayed);
    assertThat(handle.current()).contains(direct);
    assertThat(handle.path()).isEqualTo(ConnectionPath.DIRECT);
    Stream s = handle.newStream(Echo.PROTOCOL_ID, st -> { }).get(20, TimeUnit.SECONDS);
    assertThat(s.peer()).isSameAs(direct);
    s.channel().close();
    assertThat(changes).containsExactly(
        new Change(p.server.peerId(), null, relayed, PathChangeReason.FIRST),
        new Change(p.server.peerId(), relayed, direct, PathChangeReason.BETTER_PATH));
    // Both ends group their connections: the server has one handle over the two inbound ones.
    await("the server's handle", () -> p.server.handle(p.client.peerId())
        .map(h -> h.connections().size() == 2).orElse(false));
    List<PathQuality> quality = handle.quality();
    assertThat(quality).extracting(PathQuality::connection).containsExactly(direct, relayed);
    assertThat(quality.get(0).selected()).isTrue();
  }

  @Test
  void injectedRttSamplesMoveNewStreamsOnlyPastTheMarginAndTheSampleCount() throws Exception {
    HandlePeers p = peers(HandlePeers.config().pathSwitch(0.2, 3).build());
    PeerConnection a = p.direct();
    PeerConnection b = p.direct();
    PeerHandle handle = p.handle();
    assertThat(handle.current()).contains(a);

    a.rttSample(TimeUnit.MILLISECONDS.toNanos(10));
    b.rttSample(TimeUnit.MILLISECONDS.toNanos(9)); // inside the margin: never
    b.rttSample(TimeUnit.MILLISECONDS.toNanos(9));
    b.rttSample(TimeUnit.MILLISECONDS.toNanos(9));
    assertThat(handle.current()).contains(a);
    // b's average now falls below 8 ms (20% under a's 10 ms) and stays there for three samples.
    for (int i = 0; i < 40 && handle.current().orElseThrow() == a; i++) {
      b.rttSample(TimeUnit.MILLISECONDS.toNanos(2));
    }
    assertThat(handle.current()).contains(b);
    assertThat(changes).last().isEqualTo(new Change(p.server.peerId(), a, b, PathChangeReason.BETTER_QUALITY));
    long switches = changes.stream().filter(c -> c.reason() == PathChangeReason.BETTER_QUALITY).count();
    assertThat(switches).isEqualTo(1);
    assertThat(handle.newStream(Echo.PROTOCOL_ID, st -> { }).get(20, TimeUnit.SECONDS).peer()).isSameAs(b);
  }

  @Test
  void whenTheSelectedConnectionDiesNewStreamsMoveAtOnceAndBulkStreamsOnTheSurvivorComplete() throws Exception {
    HandlePeers p = peers(HandlePeers.config().build());
    PeerConnection relayed = p.relayed(null); // unlimited: it can carry everything
    PeerConnection direct = p.direct();
    PeerHandle handle = p.handle();
    assertThat(handle.current()).contains(direct);

    byte[] bulk = new byte[16 * 1024 * 1024];
    new Random(14).nextBytes(bulk);
    List<CompletableFuture<Duration>> onSurvivor = List.of(
        Echo.roundTrip(relayed, bulk), Echo.roundTrip(relayed, bulk));
    direct.channel().close();
    direct.closeFuture().get(20, TimeUnit.SECONDS);

    assertThat(handle.current()).contains(relayed);
    assertThat(handle.isOpen()).isTrue();
    Stream s = handle.newStream(Echo.PROTOCOL_ID, st -> { }).get(20, TimeUnit.SECONDS);
    assertThat(s.peer()).isSameAs(relayed);
    s.channel().close();
    Echo.roundTrip(handle, new byte[1 << 20]).get(30, TimeUnit.SECONDS);
    for (CompletableFuture<Duration> f : onSurvivor) {
      f.get(50, TimeUnit.SECONDS); // Echo checks every byte that comes back
    }
    assertThat(changes).last()
        .isEqualTo(new Change(p.server.peerId(), direct, relayed, PathChangeReason.PATH_LOST));
  }

  @Test
  void aProtocolNotAllowedOnALimitedConnectionWaitsForADirectOneThenFailsWithLimit() throws Exception {
    Duration wait = Duration.ofMillis(400);
    HandlePeers p = peers(HandlePeers.config().waitForDirectConnection(wait).build());
    p.relayed(LIMIT);
    PeerHandle handle = p.handle();

    long start = System.nanoTime();
    CompletableFuture<Stream> stream = handle.newStream(APP, st -> { });
    assertThatThrownBy(() -> stream.get(20, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("limited relayed")
        .hasMessageContaining("handlerOnLimitedConnections")
        .hasMessageContaining("hole punching");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(wait);
  }

  @Test
  void aStreamWaitingOnALimitedConnectionOpensOnTheDirectOneThatAppearsInTheWait() throws Exception {
    HandlePeers p = peers(HandlePeers.config().waitForDirectConnection(Duration.ofSeconds(20)).build());
    PeerConnection limited = p.relayed(LIMIT);
    PeerHandle handle = p.handle();

    CompletableFuture<Stream> stream = handle.newStream(Echo.PROTOCOL_ID, st -> { });
    CompletableFuture<Peer> direct = handle.directConnection(Duration.ofSeconds(20));
    assertThat(stream).isNotDone();
    PeerConnection punched = p.direct(); // as a hole punch or a connection reversal would
    assertThat(stream.get(20, TimeUnit.SECONDS).peer()).isSameAs(punched);
    assertThat(direct.get(20, TimeUnit.SECONDS)).isSameAs(punched);
    assertThat(handle.connections()).containsExactly(punched, limited);
  }

  @Test
  void messagesWorkOnALimitedRelayedConnection() throws Exception {
    HandlePeers p = peers(HandlePeers.config().build());
    p.relayed(LIMIT);
    PeerHandle handle = p.handle();
    await("the server side ready", () -> p.server.handle(p.client.peerId()).isPresent());
    PeerHandle serverSide = p.server.handle(p.client.peerId()).orElseThrow();

    handle.send("over the relay".getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
    assertThat(new String(serverSide.receive().get(20, TimeUnit.SECONDS), StandardCharsets.UTF_8))
        .isEqualTo("over the relay");
    serverSide.send(new byte[] {42}).get(20, TimeUnit.SECONDS);
    assertThat(handle.receive().get(20, TimeUnit.SECONDS)).containsExactly(42);
  }

  @Test
  void messagesFromEveryConnectionReachTheHandle() throws Exception {
    HandlePeers p = peers(HandlePeers.config().build());
    PeerConnection a = p.direct();
    PeerConnection b = p.relayed(null);
    PeerHandle handle = p.handle();
    Host serverHost = Host.of(p.server);
    await("the server side ready", () -> serverHost.connections().size() == 2);
    List<Peer> serverConns = List.copyOf(serverHost.connections());
    assertThat(serverConns).hasSize(2);
    for (Peer c : serverConns) {
      c.send(c.path().wireName().getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
    }
    List<String> got = List.of(
        new String(handle.receive().get(20, TimeUnit.SECONDS), StandardCharsets.UTF_8),
        new String(handle.receive().get(20, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    assertThat(got).containsExactlyInAnyOrder("direct", "relayed");
    assertThat(handle.connections()).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void theLastConnectionClosingGivesThePeerUpUnlessAReconnectionIsUnderWay() throws Exception {
    HandlePeers p = peers(HandlePeers.config().waitForDirectConnection(Duration.ofSeconds(20)).build());
    Host clientHost = Host.of(p.client);
    CompletableFuture<Void> reconnect = new CompletableFuture<>();
    List<Peer> lost = new CopyOnWriteArrayList<>();
    clientHost.onPathLost((h, conn) -> {
      lost.add(conn);
      return reconnect;
    });
    PeerConnection first = p.direct();
    PeerHandle handle = p.handle();
    first.close().get(20, TimeUnit.SECONDS);

    await("the loss reported", () -> lost.contains(first));
    assertThat(handle.isOpen()).isTrue();
    assertThat(handle.state()).isEqualTo(PeerState.CONNECTING);
    assertThat(handle.closeFuture()).isNotDone();
    CompletableFuture<Stream> waiting = handle.newStream(Echo.PROTOCOL_ID, st -> { });
    PeerConnection second = p.direct(); // the reconnection policy's dial
    reconnect.complete(null);
    assertThat(waiting.get(20, TimeUnit.SECONDS).peer()).isSameAs(second);
    assertThat(p.handle()).isSameAs(handle);

    clientHost.onPathLost(null);
    second.close().get(20, TimeUnit.SECONDS);
    handle.closeFuture().get(20, TimeUnit.SECONDS);
    assertThat(handle.isOpen()).isFalse();
    assertThat(p.client.handle(p.server.peerId())).isEmpty();
    assertThatThrownBy(() -> handle.newStream(Echo.PROTOCOL_ID, st -> { }).get(20, TimeUnit.SECONDS))
        .hasMessageContaining("closed");
  }

  @Test
  void theReconnectionPolicyHearsOfADeadDirectConnectionWhileTheRelayedOneCarriesOn() throws Exception {
    HandlePeers p = peers(HandlePeers.config().build());
    List<List<Peer>> survivorsAtLoss = new CopyOnWriteArrayList<>();
    Host.of(p.client).onPathLost((h, conn) -> {
      survivorsAtLoss.add(h.connections());
      return null; // this policy does not reconnect
    });
    PeerConnection relayed = p.relayed(LIMIT);
    PeerConnection direct = p.direct();
    PeerHandle handle = p.handle();
    direct.close().get(20, TimeUnit.SECONDS);

    await("the loss reported", () -> !survivorsAtLoss.isEmpty());
    assertThat(survivorsAtLoss).containsExactly(List.of(relayed));
    assertThat(handle.current()).contains(relayed);
    assertThat(handle.isOpen()).isTrue();
    assertThat(handle.closeFuture()).isNotDone();
  }

  @Test
  void closingTheHandleClosesEveryConnection() throws Exception {
    HandlePeers p = peers(HandlePeers.config().build());
    PeerConnection a = p.direct();
    PeerConnection b = p.relayed(LIMIT);
    PeerHandle handle = p.handle();
    handle.close().get(20, TimeUnit.SECONDS);
    assertThat(a.isOpen()).isFalse();
    assertThat(b.isOpen()).isFalse();
    assertThat(handle.state()).isEqualTo(PeerState.DISCONNECTED);
  }

  @Test
  void qualityPingsMeasureEveryPathWhileThereIsAChoice() throws Exception {
    List<Duration> rtts = new CopyOnWriteArrayList<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    HandlePeers p = new HandlePeers(HandlePeers.config().qualityPingInterval(Duration.ofMillis(50)).build(),
        new EventListener() {
          @Override
          public void pathRttMeasured(PeerId peer, Peer connection, Duration rtt) {
            rtts.add(rtt);
          }
        }, new MicrometerMetrics(registry));
    peers = p;
    p.direct();
    p.relayed(LIMIT);
    PeerHandle handle = p.handle();
    await("both paths measured", () -> handle.quality().stream().allMatch(q -> q.rtt().isPresent()));
    await("pings reported", () -> rtts.size() >= 4);
    assertThat(registry.get("peerlink.path.rtt").tag("path", "relayed").timer().count()).isPositive();
    assertThat(registry.find("peerlink.path.changes").tag("reason", "better_path").counter())
        .isNull(); // the direct connection came first
    assertThat(registry.get("peerlink.path.changes").tag("reason", "first").counter().count()).isEqualTo(1);
  }
}
