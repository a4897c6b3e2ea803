package io.peerlink.relay.internal.holepunch;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.event.PunchRole;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.relay.HolePunchConfig;
import io.peerlink.relay.internal.proto.HolePunchProtos.HolePunch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DCUtR's initiator, B: the side that received the relayed connection punches through it. It
 * first tries a direct dial to the remote's public addresses (a connection reversal), then up to
 * {@link HolePunchConfig#attempts} rounds: open a DCUtR stream, send CONNECT with our addresses,
 * take the time to A's CONNECT as the round trip, send SYNC, and dial A's addresses half a round
 * trip later, when A (dialing as SYNC arrives) dials too.
 *
 * <p>Thread-safe.
 */
final class DcutrInitiator {
  private static final Logger log = LoggerFactory.getLogger(DcutrInitiator.class);

  private final Host core;
  private final HolePunchConfig config;
  private final PunchAddresses addresses;
  private final SimultaneousOpen open;
  private volatile boolean closed;

  DcutrInitiator(Host core, HolePunchConfig config, PunchAddresses addresses, SimultaneousOpen open) {
    this.core = core;
    this.config = config;
    this.addresses = addresses;
    this.open = open;
  }

  /**
   * Punches through {@code relayed} (a relayed connection the remote dialed to us). Completes with
   * the direct connection.
   *
   * @param relayed the relayed connection to punch through
   * @return a future that completes with the direct connection
   */
  CompletableFuture<Peer> punch(Peer relayed) {
    PunchEvents events = PunchEvents.start(core, relayed.peerId(), PunchRole.INITIATOR);
    return addresses.identified().thenCompose(x -> punchWith(relayed, addresses.own(false), events));
  }

  /** Stops further rounds; rounds under way end on their own. */
  void close() {
    closed = true;
  }

  private CompletableFuture<Peer> punchWith(Peer relayed, List<Multiaddr> mine, PunchEvents events) {
    PeerId peer = relayed.peerId();
    if (mine.isEmpty()) {
      PeerException e = new PeerException(PeerError.CONNECT,
          "no public address of ours is known (identify's observed addresses), so no hole punch with " + peer);
      events.failed(e);
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Peer> result = reverse(relayed)
        .exceptionallyCompose(err -> attempt(relayed, mine, 1, events));
    return result.whenComplete((p, err) -> {
      if (err == null) {
        events.end(p);
      } else {
        events.failed(err);
      }
    });
  }

  /** A direct dial to the remote's public listen addresses: no punch needed if it connects. */
  private CompletableFuture<Peer> reverse(Peer relayed) {
    if (config.reversalTimeout().isZero()) {
      return CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT, "no reversal"));
    }
    return relayed.identify()
        .orTimeout(config.reversalTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .thenCompose(info -> {
          List<Multiaddr> pub = addresses.publicOf(info.listenAddrs());
          if (pub.isEmpty()) {
            return CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT, "no public address"));
          }
          return FirstConnection.first(pub.stream().map(a -> core.dial(a.withPeerId(relayed.peerId()))).toList(), "reversal")
              .orTimeout(config.reversalTimeout().toMillis(), TimeUnit.MILLISECONDS)
              .thenApply(p -> {
                log.debug("{} dialed back directly: a connection reversal, no punch needed", relayed.peerId());
                return p;
              });
        });
  }

  private CompletableFuture<Peer> attempt(Peer relayed, List<Multiaddr> mine, int n, PunchEvents events) {
    PeerId peer = relayed.peerId();
    if (closed || !relayed.isOpen()) {
      return CompletableFuture.failedFuture(new PeerException(PeerError.IO,
          "the relayed connection to " + peer + " closed before hole punching finished"));
    }
    for (Peer c : core.connections()) {
      if (n > 1 && c.peerId().equals(peer) && c.isOpen() && c.path() != ConnectionPath.RELAYED) {
        return CompletableFuture.completedFuture(c); // a late winner of the last round, as go checks
      }
    }
    return round(relayed, mine, n).exceptionallyCompose(err -> {
      events.attemptFailed(n, err);
      if (n >= config.attempts()) {
        return CompletableFuture.failedFuture(new PeerException(PeerError.CONNECT,
            "hole punching with " + peer + " failed " + n + " times; last: " + FirstConnection.reason(err), err));
      }
      return attempt(relayed, addresses.own(false), n + 1, events);
    });
  }

  private CompletableFuture<Peer> round(Peer relayed, List<Multiaddr> mine, int n) {
    PeerId peer = relayed.peerId();
    AtomicReference<MessageStream<DcutrMessages.Message>> holder = new AtomicReference<>();
    AtomicReference<SimultaneousOpen.Expected> expectB = new AtomicReference<>();
    long[] sent = new long[1];
    return relayed.newStream(DcutrMessages.PROTOCOL, s -> holder.set(DcutrMessages.stream(s.channel())))
        .thenCompose(s -> {
          sent[0] = System.nanoTime();
          return holder.get().write(DcutrMessages.connect(mine));
        })
        .thenCompose(v -> holder.get().read(config.messageTimeout()))
        .thenCompose(m -> {
          Duration rtt = Duration.ofNanos(System.nanoTime() - sent[0]);
          if (m.type() != HolePunch.Type.CONNECT) {
            throw new CompletionException(
                new ProtocolViolationException("expected DCUtR CONNECT, got " + m.type()));
          }
          MessageStream<DcutrMessages.Message> ds = holder.get();
          // Expect A's SYN from before SYNC leaves: A dials when SYNC arrives, RTT/2 before we do.
          SimultaneousOpen.Expected ex = open.expect(peer, m.addrs(), UpgradeRoles.ofB(config, n), true);
          expectB.set(ex);
          return ds.write(DcutrMessages.sync()).thenCompose(v -> {
            ds.channel().close();
            CompletableFuture<Peer> dialed = new CompletableFuture<>();
            // B dials RTT/2 after SYNC, when A (dialing on SYNC's arrival) dials too.
            ds.channel().eventLoop().schedule(() -> {
              open.dial(peer, m.addrs(), ex).whenComplete((p, e) -> {
                if (e == null) {
                  dialed.complete(p);
                } else {
                  dialed.completeExceptionally(e);
                }
              });
            }, rtt.toNanos() / 2, TimeUnit.NANOSECONDS);
            log.debug("DCUtR round {} with {}: rtt {} ms", n, peer, rtt.toMillis());
            return dialed;
          });
        })
        .whenComplete((p, e) -> {
          MessageStream<DcutrMessages.Message> ds = holder.get();
          if (ds != null) {
            ds.channel().close();
          }
          SimultaneousOpen.Expected ex = expectB.get();
          if (ex != null) {
            ex.withdraw().run();
          }
        });
  }
}
