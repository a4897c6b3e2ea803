package io.peerlink.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.peerlink.core.ConnectionInfo;
import io.peerlink.core.Direction;
import io.peerlink.core.EventListener;
import io.peerlink.core.PathQuality;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerException;
import io.peerlink.core.RejectReason;
import io.peerlink.core.ResourceLimits;
import io.peerlink.core.event.CircuitEnd;
import io.peerlink.core.event.DialStage;
import io.peerlink.core.event.HopRequest;
import io.peerlink.core.event.PathChangeReason;
import io.peerlink.core.event.PathHealth;
import io.peerlink.core.event.PunchRole;
import io.peerlink.core.event.Reachability;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host's events as Micrometer meters, in whatever registry the application binds: add it as
 * an event listener ({@code .eventListener(new MicrometerMetrics(registry))}). Micrometer is an
 * optional dependency of peerlink: put {@code micrometer-core} (and a registry) on the class path
 * to use this class.
 *
 * <p>Meters (all names start with {@code peerlink.}; tags in brackets):
 * <ul>
 *   <li>{@code connections.opened} [direction, security], {@code connections.closed} [direction],
 *       {@code connections.open} (gauge), {@code connections.failed} [direction, stage]
 *       (connect or secure), {@code connections.secure} (timer: the handshake),
 *       {@code inbound.refused} [reason], {@code resource.limit.exceeded} [scope, resource]
 *   <li>{@code dials} [outcome], {@code dials.duration} (timer), {@code dial.stages} [stage,
 *       outcome], {@code dial.stage.duration} [stage] (timer)
 *   <li>{@code path.changes} [reason, path] (the path new streams moved to, {@code none} when no
 *       connection is left), {@code path.rtt} [path] (timer: the quality pings),
 *       {@code path.throughput} [path, direction] (distribution of bytes per second over each
 *       quality-ping interval, read and written), {@code path.failures} [path] (stream opens,
 *       pings and liveness probes that failed), {@code path.health.changes} [path, health]
 *       (healthy, failing, unresponsive)
 *   <li>{@code reservations} [outcome] (granted, renewed, failed, lost), {@code relay.addresses}
 *       (gauge), {@code relays.added}, {@code relays.dropped}, {@code relays.blacklisted}
 *   <li>{@code holepunches} [role, outcome], {@code holepunch.duration} [role] (timer),
 *       {@code holepunch.attempts.failed}, {@code reachability} (gauge: 0 unknown, 1 public,
 *       2 private)
 *   <li>as a relay: {@code relay.requests} [request, status], {@code relay.reservations.granted}
 *       [renewal], {@code relay.reservations.ended}, {@code relay.circuits.opened},
 *       {@code relay.circuits.closed} [end], {@code relay.circuit.lifetime} (timer),
 *       {@code relay.circuit.bytes} [direction], {@code relay.circuits.failed}
 * </ul>
 */
public final class MicrometerMetrics implements EventListener {
  private final MeterRegistry registry;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger relayAddresses = new AtomicInteger();
  private final AtomicInteger reachability = new AtomicInteger();

  /**
   * Registers the gauges in {@code registry}; counters and timers appear with their first event.
   *
   * @param registry where the meters go
   */
  public MicrometerMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    registry.gauge("peerlink.connections.open", open);
    registry.gauge("peerlink.relay.addresses", relayAddresses);
    registry.gauge("peerlink.reachability", reachability);
  }

  private Counter counter(String name, String... tags) {
    return registry.counter("peerlink." + name, tags);
  }

  private Timer timer(String name, String... tags) {
    return registry.timer("peerlink." + name, tags);
  }

  private DistributionSummary summary(String name, String... tags) {
    return DistributionSummary.builder("peerlink." + name).baseUnit("bytes/s").tags(tags).register(registry);
  }

  private static String tag(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void connectFailed(Direction direction, Multiaddr remote, PeerException error) {
    counter("connections.failed", "direction", tag(direction), "stage", "connect").increment();
  }

  @Override
  public void secureEnd(ConnectionInfo connection, PeerId peer, String securityProtocol, Duration took) {
    timer("connections.secure").record(took);
  }

  @Override
  public void secureFailed(ConnectionInfo connection, PeerException error) {
    counter("connections.failed", "direction", tag(connection.direction()), "stage", "secure").increment();
  }

  @Override
  public void connectionOpened(Peer peer) {
    open.incrementAndGet();
    counter("connections.opened", "direction", tag(peer.direction()), "security", peer.securityProtocol())
        .increment();
  }

  @Override
  public void connectionClosed(Peer peer, Throwable cause) {
    open.decrementAndGet();
    counter("connections.closed", "direction", tag(peer.direction())).increment();
  }

  @Override
  public void inboundRefused(InetSocketAddress remote, RejectReason reason) {
    counter("inbound.refused", "reason", tag(reason)).increment();
  }

  @Override
  public void resourceLimitExceeded(ResourceLimits.Scope scope, ResourceLimits.Resource resource, String remote) {
    counter("resource.limit.exceeded", "scope", tag(scope), "resource", tag(resource)).increment();
  }

  @Override
  public void dialEnd(PeerId peer, Peer connection, Duration took) {
    counter("dials", "outcome", "ok").increment();
    timer("dials.duration").record(took);
  }

  @Override
  public void dialFailed(PeerId peer, PeerException error, Duration took) {
    counter("dials", "outcome", "failed").increment();
  }

  @Override
  public void dialStageEnd(PeerId peer, DialStage stage, Peer connection, Duration took) {
    counter("dial.stages", "stage", tag(stage), "outcome", "ok").increment();
    timer("dial.stage.duration", "stage", tag(stage)).record(took);
  }

  @Override
  public void dialStageFailed(PeerId peer, DialStage stage, PeerException error, Duration took) {
    counter("dial.stages", "stage", tag(stage), "outcome", "failed").increment();
  }

  @Override
  public void pathChanged(PeerId peer, Peer from, Peer to, PathChangeReason reason) {
    counter("path.changes", "reason", tag(reason), "path", to == null ? "none" : to.path().wireName()).increment();
  }

  @Override
  public void pathRttMeasured(PeerId peer, Peer connection, Duration rtt) {
    timer("path.rtt", "path", connection.path().wireName()).record(rtt);
  }

  @Override
  public void pathQualityMeasured(PeerId peer, PathQuality quality) {
    String path = quality.path().wireName();
    summary("path.throughput", "path", path, "direction", "read").record(quality.readBytesPerSecond());
    summary("path.throughput", "path", path, "direction", "written").record(quality.writtenBytesPerSecond());
  }

  @Override
  public void pathFailed(PeerId peer, Peer connection) {
    counter("path.failures", "path", connection.path().wireName()).increment();
  }

  @Override
  public void pathHealthChanged(PeerId peer, Peer connection, PathHealth health) {
    counter("path.health.changes", "path", connection.path().wireName(), "health", tag(health)).increment();
  }

  @Override
  public void reservationEnd(PeerId relay, List<Multiaddr> addresses, Instant expires, boolean renewal) {
    counter("reservations", "outcome", renewal ? "renewed" : "granted").increment();
  }

  @Override
  public void reservationFailed(Multiaddr relay, PeerException error) {
    counter("reservations", "outcome", "failed").increment();
  }

  @Override
  public void reservationLost(PeerId relay, PeerException cause) {
    counter("reservations", "outcome", "lost").increment();
  }

  @Override
  public void relayAdded(PeerId relay, List<Multiaddr> addresses, Instant expires) {
    counter("relays.added").increment();
  }

  @Override
  public void relayDropped(PeerId relay, String reason, PeerException cause) {
    counter("relays.dropped").increment();
  }

  @Override
  public void relayBlacklisted(PeerId relay, Instant until, PeerException cause) {
    counter("relays.blacklisted").increment();
  }

  @Override
  public void relayAddressesChanged(List<Multiaddr> addresses) {
    relayAddresses.set(addresses.size());
  }

  @Override
  public void holePunchAttemptFailed(PeerId peer, int attempt, PeerException error) {
    counter("holepunch.attempts.failed").increment();
  }

  @Override
  public void holePunchEnd(PeerId peer, PunchRole role, Peer connection, Duration took) {
    counter("holepunches", "role", tag(role), "outcome", "ok").increment();
    timer("holepunch.duration", "role", tag(role)).record(took);
  }

  @Override
  public void holePunchFailed(PeerId peer, PunchRole role, PeerException error, Duration took) {
    counter("holepunches", "role", tag(role), "outcome", "failed").increment();
  }

  @Override
  public void reachabilityChanged(Reachability previous, Reachability current) {
    reachability.set(current.ordinal());
  }

  @Override
  public void relayRequestAnswered(PeerId from, HopRequest request, RelayStatus status) {
    counter("relay.requests", "request", tag(request), "status", tag(status)).increment();
  }

  @Override
  public void relayReservationGranted(PeerId client, boolean renewal) {
    counter("relay.reservations.granted", "renewal", Boolean.toString(renewal)).increment();
  }

  @Override
  public void relayReservationsEnded(int count) {
    counter("relay.reservations.ended").increment(count);
  }

  @Override
  public void circuitOpened(PeerId source, PeerId target) {
    counter("relay.circuits.opened").increment();
  }

  @Override
  public void circuitClosed(PeerId source, PeerId target, CircuitEnd end, Duration lifetime,
      long bytesToTarget, long bytesToSource) {
    counter("relay.circuits.closed", "end", tag(end)).increment();
    timer("relay.circuit.lifetime").record(lifetime);
    counter("relay.circuit.bytes", "direction", "to_target").increment(bytesToTarget);
    counter("relay.circuit.bytes", "direction", "to_source").increment(bytesToSource);
  }

  @Override
  public void circuitFailed(PeerId source, PeerId target, PeerException error) {
    counter("relay.circuits.failed").increment();
  }
}
