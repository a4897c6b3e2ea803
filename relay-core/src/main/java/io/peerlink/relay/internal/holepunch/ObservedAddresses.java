package io.peerlink.relay.internal.holepunch;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Our addresses as other peers see them: identify's {@code observedAddr} from every direct
 * connection. An address is a <em>candidate</em> as soon as one peer reports it (good enough to
 * try a hole punch with, since only the peer we punch to learns it) and <em>confirmed</em> once
 * {@code confirmations} distinct peers have reported it or AutoNAT confirmed it; only confirmed
 * addresses are advertised (identify's listen addresses). Only addresses the
 * {@link AddressFilter} calls public are kept.
 *
 * <p>Thread-safe.
 */
public final class ObservedAddresses {
  private final AddressFilter filter;
  private final int confirmations;
  private final Map<Multiaddr, Set<PeerId>> seen = new LinkedHashMap<>();
  private final Set<Multiaddr> autonatConfirmed = new LinkedHashSet<>();
  /**
   * At most this many QUIC addresses are kept (the most recently reported), so peers reporting
   * made-up addresses cannot grow the set; a host has a handful of real ones (one per NAT mapping
   * of its QUIC listen port) and a punch's CONNECT carries at most 32 addresses.
   */
  public static final int MAX_QUIC_CANDIDATES = 16;

  /** QUIC addresses peers observed: kept apart, for hole punching only (see {@link #quicCandidates}). */
  private final Set<Multiaddr> quicSeen = new LinkedHashSet<>();

  /**
   * Tracks observed addresses; {@code confirmations} distinct observers confirm one.
   *
   * @param filter what counts as a public address
   * @param confirmations distinct observers needed to confirm an address
   */
  public ObservedAddresses(AddressFilter filter, int confirmations) {
    this.filter = Objects.requireNonNull(filter, "filter");
    if (confirmations < 1) {
      throw new IllegalArgumentException("confirmations must be at least 1: " + confirmations);
    }
    this.confirmations = confirmations;
  }

  /** {@return the filter deciding what is public} */
  public AddressFilter filter() {
    return filter;
  }

  /**
   * Records identify's observed address of every direct connection of {@code core}, and
   * advertises the confirmed ones through identify.
   *
   * @param core the host's internals
   */
  public void attach(Host core) {
    core.addConnectionListener(this::watch);
    core.addAddressSource(
        () -> confirmed().stream().map(a -> a.withPeerId(core.identity().peerId())).toList());
  }

  private void watch(Peer p) {
    if (p.path() == ConnectionPath.RELAYED) {
      return; // the relay's view of a circuit says nothing about our NAT
    }
    p.identify().thenAccept(info -> {
      if (info.observedAddr() != null) {
        record(p.peerId(), info.observedAddr());
      }
    });
  }

  /**
   * Records that {@code observer} sees us at {@code addr}. Ignored unless public.
   *
   * @param observer the peer that sees us
   * @param addr where it sees us
   */
  public void record(PeerId observer, Multiaddr addr) {
    if (addr.isQuic()) {
      recordQuic(addr);
      return;
    }
    if (!filter.test(addr)) {
      return;
    }
    Multiaddr plain = addr.withoutPeerId();
    synchronized (this) {
      seen.computeIfAbsent(plain, k -> new LinkedHashSet<>()).add(observer);
    }
  }

  private void recordQuic(Multiaddr addr) {
    InetSocketAddress s = PunchSockets.quic(addr).orElse(null);
    // The filter reads TCP addresses: ask it about the same IP and port over TCP.
    if (s != null && filter.test(Multiaddr.fromSocketAddress(s))) {
      synchronized (this) {
        Multiaddr plain = addr.withoutPeerId();
        quicSeen.remove(plain); // re-added last: the most recent report
        quicSeen.add(plain);
        if (quicSeen.size() > MAX_QUIC_CANDIDATES) {
          quicSeen.remove(quicSeen.iterator().next());
        }
      }
    }
  }

  /**
   * The public QUIC addresses peers observed us at (over QUIC connections), for a hole punch's
   * CONNECT. They are neither {@link #candidates()} nor {@link #confirmed()}: identify does not
   * announce them and AutoNAT does not check them.
   *
   * @return the QUIC addresses, most recent observers last
   */
  public synchronized List<Multiaddr> quicCandidates() {
    return List.copyOf(quicSeen);
  }

  /**
   * Marks {@code addr} confirmed (AutoNAT dialed us back there).
   *
   * @param addr the confirmed address
   */
  public synchronized void confirm(Multiaddr addr) {
    if (filter.test(addr)) {
      autonatConfirmed.add(addr.withoutPeerId());
    }
  }

  /** {@return every public address someone saw us at, most recent observers last} */
  public synchronized List<Multiaddr> candidates() {
    LinkedHashSet<Multiaddr> out = new LinkedHashSet<>(autonatConfirmed);
    out.addAll(seen.keySet());
    return List.copyOf(out);
  }

  /** {@return the addresses seen by enough peers or confirmed by AutoNAT} */
  public synchronized List<Multiaddr> confirmed() {
    List<Multiaddr> out = new ArrayList<>(autonatConfirmed);
    for (Map.Entry<Multiaddr, Set<PeerId>> e : seen.entrySet()) {
      if (e.getValue().size() >= confirmations && !out.contains(e.getKey())) {
        out.add(e.getKey());
      }
    }
    return List.copyOf(out);
  }
}
