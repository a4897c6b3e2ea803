package io.peerlink.relay.internal.client;

import io.peerlink.core.Peer;
import io.peerlink.core.event.RelayState;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.RelayServiceConfig;
import io.peerlink.relay.Reservation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The relays set by address, each kept by its own {@link RelayService} (its own state, backoff and
 * reconnection). Setting a second relay adds it beside the first instead of replacing it, so the
 * first reservation stays and both relays are ways in; setting a relay whose peer ID is already
 * known replaces that relay's address. The last relay set is the "current" one that
 * {@code relayAddr()}, {@code relayState()} and {@code dialViaRelay} speak of. Thread-safe.
 */
public final class ConfiguredRelays implements AutoCloseable {
  private final RelayClient client;
  private final RelayServiceConfig config;
  private final Map<PeerId, RelayService> relays = new LinkedHashMap<>(); // guarded by this
  private RelayService current; // guarded by this
  private boolean wanted; // connect() was called: relays added later connect at once; guarded by this

  /**
   * Relays reserved on and dialed through with {@code client}.
   *
   * @param client the relay client
   * @param config each relay's backoff settings
   */
  public ConfiguredRelays(RelayClient client, RelayServiceConfig config) {
    this.client = client;
    this.config = config;
  }

  /**
   * Adds {@code relayAddr} ({@code <transport>/p2p/<relay id>}), or replaces the address of the
   * relay with that ID; it becomes the current relay. Once {@link #connect()} was called, a new
   * relay is connected at once.
   *
   * @param relayAddr the relay's address
   */
  public void add(Multiaddr relayAddr) {
    RelayService s;
    boolean connectNow;
    if (relayAddr.isRelayed()) {
      throw new IllegalArgumentException("a relay address is <transport>/p2p/<relay id>, not " + relayAddr);
    }
    synchronized (this) {
      PeerId id = relayAddr.peerId().orElseThrow(() -> new IllegalArgumentException(
          "a relay address is <transport>/p2p/<relay id>, not " + relayAddr));
      s = relays.get(id);
      boolean fresh = s == null;
      if (fresh) {
        s = RelayService.create(client, null, config);
      }
      s.setRelay(relayAddr);
      relays.put(id, s);
      current = s;
      connectNow = fresh && wanted;
    }
    if (connectNow) {
      s.connect().exceptionally(err -> null); // retried with backoff; the events tell
    }
  }

  /**
   * Removes the relay with {@code relay}'s ID: its reservation is cancelled.
   *
   * @param relay the relay's peer ID
   * @return whether it was set
   */
  public boolean remove(PeerId relay) {
    RelayService s;
    synchronized (this) {
      s = relays.remove(relay);
      if (s == null) {
        return false;
      }
      if (current == s) {
        current = relays.isEmpty() ? null : new ArrayList<>(relays.values()).get(relays.size() - 1);
      }
    }
    s.close();
    return true;
  }

  /** {@return every relay set, in the order they were first set} */
  public synchronized List<Multiaddr> all() {
    List<Multiaddr> out = new ArrayList<>();
    relays.values().forEach(s -> s.relay().ifPresent(out::add));
    return out;
  }

  /** {@return the current relay's address} */
  public synchronized Optional<Multiaddr> current() {
    return current == null ? Optional.empty() : current.relay();
  }

  /** {@return the current relay's state; NONE when no relay is set} */
  public synchronized RelayState state() {
    return current == null ? RelayState.NONE : current.state();
  }

  /**
   * Connects to every relay set and reserves on each; completes with the current relay's
   * reservation (the others are reported as events).
   *
   * @return the current relay's reservation
   * @throws IllegalStateException if no relay is set
   */
  public CompletableFuture<Reservation> connect() {
    List<RelayService> all;
    RelayService cur;
    synchronized (this) {
      if (current == null) {
        throw new IllegalStateException("no relay set: call setRelayAddr first");
      }
      wanted = true;
      all = List.copyOf(relays.values());
      cur = current;
    }
    for (RelayService s : all) {
      if (s != cur) {
        s.connect().exceptionally(err -> null); // retried with backoff; the events tell
      }
    }
    return cur.connect();
  }

  /**
   * Dials {@code target} through the current relay (no reservation made).
   *
   * @param target the peer
   * @return the relayed connection
   * @throws IllegalStateException if no relay is set
   */
  public CompletableFuture<Peer> dialViaRelay(PeerId target) {
    RelayService cur;
    synchronized (this) {
      if (current == null) {
        throw new IllegalStateException("no relay set: call setRelayAddr first");
      }
      cur = current;
    }
    return cur.dialViaRelay(target);
  }

  /** Removes every relay (their reservations are cancelled). */
  @Override
  public void close() {
    List<RelayService> all;
    synchronized (this) {
      all = List.copyOf(relays.values());
      relays.clear();
      current = null;
    }
    all.forEach(RelayService::close);
  }
}
