package io.peerlink.relay.internal.holepunch;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.Stream;
import io.peerlink.core.event.PunchRole;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.relay.HolePunchConfig;
import io.peerlink.relay.internal.proto.HolePunchProtos.HolePunch;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DCUtR's responder, A: the side that dialed the relayed connection answers the DCUtR streams B
 * opens on it. Per round: read B's CONNECT, expect B's SYN, answer CONNECT with our addresses,
 * and dial B's addresses as soon as SYNC arrives. A counts the rounds on each relayed connection
 * to play the side of the upgrade B expects ({@link UpgradeRoles}).
 *
 * <p>Thread-safe.
 */
final class DcutrResponder {
  private static final Logger log = LoggerFactory.getLogger(DcutrResponder.class);

  /** Hears how each round ended, for whoever waits for a punch from that peer. */
  interface Rounds {
    /** A round with {@code peer} gave the direct connection {@code direct}. */
    void succeeded(PeerId peer, Peer direct);

    /** A round with {@code peer} failed with {@code err}. */
    void failed(PeerId peer, Throwable err);
  }

  private final Host core;
  private final HolePunchConfig config;
  private final PunchAddresses addresses;
  private final SimultaneousOpen open;
  private final Rounds rounds;
  /** The DCUtR rounds B started on each relayed connection, for the round's roles. */
  private final Map<Peer, AtomicInteger> roundsSoFar = new ConcurrentHashMap<>();

  DcutrResponder(Host core, HolePunchConfig config, PunchAddresses addresses, SimultaneousOpen open,
      Rounds rounds) {
    this.core = core;
    this.config = config;
    this.addresses = addresses;
    this.open = open;
    this.rounds = rounds;
  }

  /** Serves one DCUtR stream: the handler of {@link DcutrMessages#PROTOCOL}. */
  void onStream(Stream s) {
    Peer conn = s.peer();
    if (conn.path() != ConnectionPath.RELAYED || conn.direction() != Direction.OUTBOUND) {
      // Only A (who dialed the relayed connection) answers; as go does, refuse anything else.
      s.channel().close();
      return;
    }
    PeerId peer = conn.peerId();
    AtomicInteger count = roundsSoFar.computeIfAbsent(conn, c -> {
      c.closeFuture().whenComplete((v, e) -> roundsSoFar.remove(c));
      return new AtomicInteger();
    });
    int round = count.incrementAndGet();
    PunchEvents events = PunchEvents.start(core, peer, PunchRole.RESPONDER);
    MessageStream<DcutrMessages.Message> ds = DcutrMessages.stream(s.channel());
    AtomicReference<List<Multiaddr>> theirs = new AtomicReference<>();
    AtomicReference<SimultaneousOpen.Expected> expectA = new AtomicReference<>();
    ds.read(config.messageTimeout())
        .thenCompose(m -> {
          if (m.type() != HolePunch.Type.CONNECT) {
            throw new CompletionException(
                new ProtocolViolationException("expected DCUtR CONNECT, got " + m.type()));
          }
          theirs.set(m.addrs());
          // Expect B's SYN from now on: it may reach our listener before ours leaves.
          expectA.set(open.expect(peer, m.addrs(), UpgradeRoles.ofA(config, round), false));
          return addresses.identified().thenCompose(x -> ds.write(DcutrMessages.connect(addresses.own(true))));
        })
        .thenCompose(v -> ds.read(config.messageTimeout()))
        .thenCompose(m -> {
          if (m.type() != HolePunch.Type.SYNC) {
            throw new CompletionException(
                new ProtocolViolationException("expected DCUtR SYNC, got " + m.type()));
          }
          s.channel().close();
          return open.dial(peer, theirs.get(), expectA.get()); // A dials at once, as SYNC arrives
        })
        .whenComplete((direct, err) -> {
          s.channel().close();
          SimultaneousOpen.Expected ex = expectA.get();
          if (ex != null) {
            ex.withdraw().run();
          }
          if (err == null) {
            events.end(direct);
            rounds.succeeded(peer, direct);
          } else {
            log.debug("DCUtR round with {} failed: {}", peer, err.toString());
            events.failed(err);
            rounds.failed(peer, err);
          }
        });
  }
}
