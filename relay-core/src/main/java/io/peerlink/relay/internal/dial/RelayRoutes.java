package io.peerlink.relay.internal.dial;

import io.peerlink.core.AddressBook;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.client.RelayAddresses;
import io.peerlink.relay.internal.client.RelayClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every relay we know a way to a peer through, best first: the relays of the circuit addresses
 * the caller gave, then those of the host's {@link AddressBook} (announced by the peer in identify
 * or identify push, or added by the application), then the relays set by address,
 * then every relay we hold a reservation on (AutoRelay's among them). The first two are where the
 * peer says it is reachable; the others are ours, and a peer in the same deployment is often
 * reserved on them too. One entry per relay; an address with a transport part wins over a bare
 * {@code /p2p/<relay>}, which only works while we are connected to the relay.
 */
public final class RelayRoutes {
  private final RelayClient client;
  private final AddressBook addresses;
  private final Supplier<List<Multiaddr>> configured;

  /**
   * The routes of {@code client}'s host.
   *
   * @param client the relay client (its reservations)
   * @param addresses the host's address book: the circuit addresses known for each peer
   * @param configured the relays set by address
   */
  public RelayRoutes(RelayClient client, AddressBook addresses, Supplier<List<Multiaddr>> configured) {
    this.client = client;
    this.addresses = addresses;
    this.configured = configured;
  }

  /**
   * {@return the relays to reach {@code target} through, each {@code <transport>/p2p/<relay>}}
   *
   * @param target the peer to reach
   * @param given circuit addresses the caller gave (other addresses are ignored)
   */
  public List<Multiaddr> of(PeerId target, List<Multiaddr> given) {
    Map<PeerId, Multiaddr> relays = new LinkedHashMap<>();
    List<Multiaddr> circuits = new ArrayList<>(given);
    circuits.addAll(addresses.circuitAddresses(target));
    for (Multiaddr c : circuits) {
      if (!c.isRelayed()) {
        continue;
      }
      try {
        RelayAddresses.CircuitTarget t = RelayAddresses.parse(c.peerId().isPresent() ? c : c.withPeerId(target));
        if (t.target().equals(target)) {
          add(relays, t.relayId(), t.relay(), target);
        }
      } catch (IllegalArgumentException malformed) {
        // Not a circuit address we can dial: skip it, as go's swarm skips addresses it cannot dial.
      }
    }
    for (Multiaddr r : configured.get()) {
      r.peerId().ifPresent(id -> add(relays, id, r, target));
    }
    for (Reservation r : client.reservations()) {
      add(relays, r.relay(), r.relayAddr(), target);
    }
    return List.copyOf(relays.values());
  }

  private static void add(Map<PeerId, Multiaddr> relays, PeerId id, Multiaddr addr, PeerId target) {
    if (id.equals(target)) {
      return; // the peer itself is no relay to it
    }
    Multiaddr known = relays.get(id);
    if (known == null || (known.withoutPeerId().components().isEmpty() && !addr.withoutPeerId().components().isEmpty())) {
      relays.put(id, addr);
    }
  }
}
