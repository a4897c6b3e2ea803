package io.peerlink.relay.internal.dial;

import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.HostTimer;
import io.peerlink.relay.internal.client.RelayClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings every relay we depend on (one we hold a reservation on, or one our relayed connections run
 * through) every {@code interval}; a relay that does not answer within {@code timeout} has its
 * connection closed (one that answers with an error is alive and keeps it). A relay that dies silently (power loss, a dropped route) is then noticed in
 * about {@code interval + timeout} instead of the yamux keep-alive's 40 s, and the close sets off
 * what a lost relay connection already does: the reservation is lost (AutoRelay reserves on
 * another relay, a relay set by address reconnects), the relayed connections over it close (the
 * {@link Reconnector} re-dials their peers through another relay). Thread-safe.
 */
public final class RelayProbe implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RelayProbe.class);

  private final Host host;
  private final RelayClient client;
  private final Duration timeout;
  private final ScheduledFuture<?> tick;

  /**
   * Starts probing; an {@code interval} of zero probes nothing.
   *
   * @param host the host
   * @param client the relay client (its reservations)
   * @param interval time between probes of one relay
   * @param timeout how long a probe waits for the pong
   */
  public RelayProbe(Host host, RelayClient client, Duration interval, Duration timeout) {
    this.host = host;
    this.client = client;
    this.timeout = timeout;
    this.tick = interval.isZero() ? null : HostTimer.of(host).every(interval, this::probeAll);
  }

  /** Probes every relay we depend on now. */
  public void probeAll() {
    Set<PeerId> relays = new HashSet<>();
    for (Reservation r : client.reservations()) {
      relays.add(r.relay());
    }
    for (Peer p : host.connections()) {
      if (p.path() == ConnectionPath.RELAYED && p.isOpen()) {
        RelayClient.relayOf(p).ifPresent(relays::add);
      }
    }
    for (Peer p : host.connections()) {
      if (p.path() != ConnectionPath.RELAYED && p.isOpen() && relays.contains(p.peerId())) {
        probe(p);
      }
    }
  }

  private void probe(Peer relay) {
    relay.ping().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((rtt, err) -> {
      if (err == null || !relay.isOpen()) {
        return;
      }
      if (!isSilence(err)) {
        // An answer, even a refusal or a reset, is not a dead relay: only silence closes it.
        log.debug("relay {} answered a ping with an error, so it is alive: {}", relay.peerId(),
            PriorityDialer.message(err));
        return;
      }
      PeerException e = new PeerException(PeerError.TIMEOUT, "relay " + relay.peerId()
          + " did not answer a ping within " + timeout.toMillis() + " ms: " + PriorityDialer.message(err));
      log.debug("{}; closing its connection", e.getMessage());
      host.emit(l -> l.relayProbeFailed(relay.peerId(), e));
      relay.close();
    });
  }

  /** Whether {@code err} is a ping that got no answer in time. */
  private static boolean isSilence(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t instanceof PeerTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** Stops probing. */
  @Override
  public void close() {
    HostTimer.cancel(tick);
  }
}
