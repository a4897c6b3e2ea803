package io.peerlink.examples.cli;

import io.peerlink.core.EventListener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerException;
import io.peerlink.core.ResourceLimits;
import io.peerlink.core.event.DialStage;
import io.peerlink.core.event.PathChangeReason;
import io.peerlink.core.event.PathHealth;
import io.peerlink.core.event.PunchRole;
import io.peerlink.core.event.RelayState;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.DialReport;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tool's JSON lines for a manager's events: {@code connection}, {@code disconnection},
 * {@code relay-probe-failed}, {@code limit}, {@code reserved}, {@code relay-state},
 * {@code relay-lost}, {@code holepunch}, {@code path-changed}, {@code path-health} and {@code reconnect}. Which of them
 * a command prints is chosen when it is made. Path changes and reconnections carry
 * {@code "nanos"}, the JVM's monotonic clock, so a test on the same machine can time them against
 * its own clock.
 */
final class CliEvents implements EventListener {
  /** How {@code reserved} lines name the relay. */
  enum Reservations {
    /** No {@code reserved} lines. */
    NONE,
    /** One relay set by address: every reservation and refresh, the relay named by that address. */
    BY_ADDRESS,
    /** AutoRelay: new reservations only (not refreshes), the relay named by its peer ID. */
    BY_PEER_ID
  }

  private final boolean connections;
  private final Reservations reservations;
  private final Multiaddr relay;
  private final boolean punches;
  private final boolean paths;

  /**
   * @param connections print a {@code connection} line per connection opened, a
   *     {@code disconnection} line per one closed, and {@code relay-probe-failed} and {@code limit}
   *     lines
   * @param reservations how {@code reserved} lines are printed
   * @param relay the relay set by address (for {@link Reservations#BY_ADDRESS}), or null
   * @param punches print {@code holepunch} lines
   * @param paths print {@code path-changed}, {@code path-health} and {@code reconnect} lines
   */
  CliEvents(boolean connections, Reservations reservations, Multiaddr relay, boolean punches, boolean paths) {
    this.connections = connections;
    this.reservations = reservations;
    this.relay = relay;
    this.punches = punches;
    this.paths = paths;
  }

  @Override
  public void connectionOpened(Peer peer) {
    if (connections) {
      JsonEvents.print(connectionEvent(peer));
    }
  }

  @Override
  public void connectionClosed(Peer peer, Throwable cause) {
    if (connections) {
      Map<String, Object> ev = JsonEvents.event("disconnection");
      ev.put("peerId", peer.peerId().toString());
      ev.put("path", peer.path().wireName());
      ev.put("remoteAddr", peer.remoteAddress().toString());
      if (cause != null) {
        ev.put("error", String.valueOf(cause.getMessage()));
      }
      JsonEvents.print(ev);
    }
  }

  @Override
  public void relayProbeFailed(PeerId relayId, PeerException error) {
    if (connections) {
      Map<String, Object> ev = JsonEvents.event("relay-probe-failed");
      ev.put("relay", relayId.toString());
      ev.put("error", error.getMessage());
      JsonEvents.print(ev);
    }
  }

  @Override
  public void resourceLimitExceeded(ResourceLimits.Scope scope, ResourceLimits.Resource resource, String remote) {
    if (connections) {
      Map<String, Object> ev = JsonEvents.event("limit");
      ev.put("scope", scope.name().toLowerCase(Locale.ROOT));
      ev.put("resource", resource.name().toLowerCase(Locale.ROOT));
      ev.put("remote", remote);
      JsonEvents.print(ev);
    }
  }

  @Override
  public void reservationEnd(PeerId relayId, List<Multiaddr> addresses, Instant expires, boolean renewal) {
    if (reservations == Reservations.BY_ADDRESS) {
      reserved(relay != null ? relay.toString() : relayId.toString(), addresses, expires);
    }
  }

  @Override
  public void relayAdded(PeerId relayId, List<Multiaddr> addresses, Instant expires) {
    if (reservations == Reservations.BY_PEER_ID) {
      reserved(relayId.toString(), addresses, expires);
    }
  }

  private static void reserved(String relay, List<Multiaddr> addresses, Instant expires) {
    Map<String, Object> rv = JsonEvents.event("reserved");
    rv.put("relay", relay);
    rv.put("addrs", addresses.stream().map(Object::toString).toList());
    rv.put("expires", expires.getEpochSecond());
    JsonEvents.print(rv);
  }

  @Override
  public void relayStateChanged(RelayState from, RelayState to, Multiaddr at, PeerException cause, Duration retryIn) {
    if (reservations != Reservations.BY_ADDRESS) {
      return;
    }
    Map<String, Object> st = JsonEvents.event("relay-state");
    st.put("from", from.name().toLowerCase(Locale.ROOT));
    st.put("to", to.name().toLowerCase(Locale.ROOT));
    if (cause != null) {
      st.put("error", String.valueOf(cause.getMessage()));
    }
    if (retryIn != null) {
      st.put("retryMs", retryIn.toMillis());
    }
    JsonEvents.print(st);
  }

  @Override
  public void relayDropped(PeerId relayId, String reason, PeerException cause) {
    if (reservations != Reservations.BY_PEER_ID) {
      return;
    }
    Map<String, Object> ev = JsonEvents.event("relay-lost");
    ev.put("relay", relayId.toString());
    ev.put("reason", reason);
    JsonEvents.print(ev);
  }

  @Override
  public void holePunchStart(PeerId peer, PunchRole role) {
    punch("started", peer, role, 0, null);
  }

  @Override
  public void holePunchAttemptFailed(PeerId peer, int attempt, PeerException error) {
    punch("attempt_failed", peer, PunchRole.INITIATOR, attempt, error);
  }

  @Override
  public void holePunchEnd(PeerId peer, PunchRole role, Peer connection, Duration took) {
    punch("succeeded", peer, role, 0, null, connection.transport());
  }

  @Override
  public void holePunchFailed(PeerId peer, PunchRole role, PeerException error, Duration took) {
    punch("failed", peer, role, 0, error);
  }

  @Override
  public void pathChanged(PeerId peer, Peer from, Peer to, PathChangeReason reason) {
    if (!paths) {
      return;
    }
    Map<String, Object> ev = JsonEvents.event("path-changed");
    ev.put("nanos", System.nanoTime());
    ev.put("peerId", peer.toString());
    ev.put("reason", reason.label());
    ev.put("from", from == null ? "none" : from.path().wireName());
    ev.put("to", to == null ? "none" : to.path().wireName());
    if (to != null) {
      ev.put("localAddr", to.localAddress().toString());
      ev.put("remoteAddr", to.remoteAddress().toString());
    }
    JsonEvents.print(ev);
  }

  @Override
  public void pathHealthChanged(PeerId peer, Peer connection, PathHealth health) {
    if (!paths) {
      return;
    }
    Map<String, Object> ev = JsonEvents.event("path-health");
    ev.put("nanos", System.nanoTime());
    ev.put("peerId", peer.toString());
    ev.put("path", connection.path().wireName());
    ev.put("health", health.label());
    ev.put("remoteAddr", connection.remoteAddress().toString());
    JsonEvents.print(ev);
  }

  @Override
  public void reconnectStart(PeerId peer, DialStage stage, int attempt) {
    reconnect("started", peer, stage, attempt, null);
  }

  @Override
  public void reconnectEnd(PeerId peer, DialStage stage, Peer connection) {
    reconnect("succeeded", peer, stage, 0, null);
  }

  @Override
  public void reconnectFailed(PeerId peer, DialStage stage, int attempt, PeerException error, Duration retryIn) {
    reconnect("failed", peer, stage, attempt, error);
  }

  private void reconnect(String kind, PeerId peer, DialStage stage, int attempt, PeerException error) {
    if (!paths) {
      return;
    }
    Map<String, Object> ev = JsonEvents.event("reconnect");
    ev.put("nanos", System.nanoTime());
    ev.put("kind", kind);
    ev.put("peerId", peer.toString());
    ev.put("stage", stage.label());
    ev.put("attempt", attempt);
    if (error != null) {
      ev.put("error", error.getMessage());
    }
    JsonEvents.print(ev);
  }

  private void punch(String kind, PeerId peer, PunchRole role, int attempt, PeerException error) {
    punch(kind, peer, role, attempt, error, null);
  }

  /** A {@code holepunch} line; {@code transport} names the punched connection's, when one was made. */
  private void punch(String kind, PeerId peer, PunchRole role, int attempt, PeerException error, String transport) {
    if (!punches) {
      return;
    }
    Map<String, Object> ev = JsonEvents.event("holepunch");
    ev.put("kind", kind);
    ev.put("peerId", peer.toString());
    ev.put("role", role.name().toLowerCase(Locale.ROOT));
    ev.put("attempt", attempt);
    if (error != null) {
      ev.put("error", error.getMessage());
    }
    if (transport != null) {
      ev.put("transport", transport);
    }
    JsonEvents.print(ev);
  }

  /** A {@code connection} line's fields. */
  static Map<String, Object> connectionEvent(Peer p) {
    Map<String, Object> ev = JsonEvents.event("connection");
    ev.put("peerId", p.peerId().toString());
    ev.put("direction", p.direction().name().toLowerCase(Locale.ROOT));
    ev.put("path", p.path().wireName());
    ev.put("transport", p.transport());
    ev.put("remoteAddr", p.remoteAddress().toString());
    ev.put("security", p.securityProtocol());
    ev.put("muxer", p.muxer());
    return ev;
  }

  /** A {@code dial-stage} line's fields for one stage of a report. */
  static Map<String, Object> stageFields(DialReport.Stage s) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("stage", s.stage().label());
    f.put("outcome", s.outcome().name().toLowerCase(Locale.ROOT));
    f.put("ms", JsonEvents.millis(s.took().toNanos()));
    if (s.error() != null) {
      f.put("error", s.error());
    }
    return f;
  }
}
