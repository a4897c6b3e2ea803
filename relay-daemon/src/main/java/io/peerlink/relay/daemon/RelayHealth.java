package io.peerlink.relay.daemon;

import io.peerlink.core.ListenerLimits;
import io.peerlink.core.ListenerStats;
import io.peerlink.relay.server.RelayLimiter;
import io.peerlink.relay.server.RelayServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code /healthz} and {@code /readyz} report, read from the running relay each time:
 *
 * <ul>
 *   <li><b>healthy</b> (liveness): the relay is serving or draining and its listener is bound. A
 *       supervisor restarts a daemon that is not.
 *   <li><b>ready</b> (readiness): healthy, not draining, and no limit a new peer would run into is
 *       exhausted: inbound connections, reservations and circuits are each below their maximum. A
 *       load balancer sends new peers only to a ready relay.
 * </ul>
 *
 * <p>The body is one JSON object with the state, the counts beside their limits, and the reasons
 * the relay is not ready (empty when it is).
 */
final class RelayHealth {
  /** The daemon's lifecycle, as the health endpoints see it. */
  enum State { STARTING, RUNNING, DRAINING, STOPPED }

  private volatile State state = State.STARTING;
  private volatile RelayServer relay;

  void running(RelayServer server) {
    this.relay = server;
    this.state = State.RUNNING;
  }

  void draining() {
    state = State.DRAINING;
  }

  void stopped() {
    state = State.STOPPED;
  }

  /** A report: whether the relay is healthy, whether it is ready, and the body to serve. */
  record Report(boolean healthy, boolean ready, Map<String, Object> body) {}

  Report report() {
    State s = state;
    RelayServer r = relay;
    Map<String, Object> body = new LinkedHashMap<>();
    List<String> reasons = new ArrayList<>();
    body.put("state", s.name().toLowerCase(Locale.ROOT));
    boolean listening = false;
    if (r != null) {
      List<String> addrs = r.listener().listenAddresses().stream().map(Object::toString).toList();
      listening = !addrs.isEmpty() && s != State.STOPPED;
      body.put("listen", addrs);
      ListenerLimits ll = r.listener().limits();
      ListenerStats ls = r.listener().stats();
      Map<String, Object> inbound = new LinkedHashMap<>();
      inbound.put("open", ls.open());
      inbound.put("max", ll.maxInbound());
      inbound.put("maxPerIp", ll.maxInboundPerIp());
      inbound.put("acceptsPerSecond", Double.isInfinite(ll.acceptsPerSecond()) ? null : ll.acceptsPerSecond());
      inbound.put("acceptBurst", ll.acceptBurst());
      inbound.put("accepted", ls.accepted());
      inbound.put("rejected", ls.rejected());
      body.put("inbound", inbound);
      if (ls.open() >= ll.maxInbound()) {
        reasons.add("inbound connections at their limit (" + ls.open() + "/" + ll.maxInbound() + ")");
      }
      RelayLimiter rl = r.limiter();
      int reservations = r.reservations().size();
      int circuits = r.circuits().size();
      body.put("reservations", Map.of("active", reservations, "max", rl.maxReservations(),
          "maxPerIp", rl.maxReservationsPerIp()));
      body.put("circuits", Map.of("active", circuits, "max", rl.maxCircuits(),
          "maxPerPeer", rl.maxCircuitsPerPeer()));
      if (rl.maxReservations() > 0 && reservations >= rl.maxReservations()) {
        reasons.add("reservations at their limit (" + reservations + "/" + rl.maxReservations() + ")");
      }
      if (rl.maxCircuits() > 0 && circuits >= rl.maxCircuits()) {
        reasons.add("circuits at their limit (" + circuits + "/" + rl.maxCircuits() + ")");
      }
    }
    if (!listening) {
      reasons.add(0, "not listening");
    }
    if (s != State.RUNNING) {
      reasons.add(0, s == State.DRAINING ? "draining: refusing new reservations and circuits" : s.name().toLowerCase(Locale.ROOT));
    }
    boolean healthy = listening && (s == State.RUNNING || s == State.DRAINING);
    boolean ready = healthy && reasons.isEmpty();
    body.put("reasons", reasons);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("healthy", healthy);
    out.put("ready", ready);
    out.putAll(body);
    return new Report(healthy, ready, out);
  }
}
