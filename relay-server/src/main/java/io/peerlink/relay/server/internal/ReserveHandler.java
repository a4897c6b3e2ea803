package io.peerlink.relay.server.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.peerlink.core.Peer;
import io.peerlink.core.Stream;
import io.peerlink.core.event.HopRequest;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Component;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.multiaddr.Protocol;
import io.peerlink.core.spi.StreamChannels;
import io.peerlink.relay.internal.circuit.CircuitLimit;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's answer to RESERVE: checks the request (direct connection, ACL, relay running), takes
 * or renews a slot in the {@link ReservationTable}, and answers OK with the reservation (expiry,
 * the relay's addresses, a signed voucher) and the circuit limit, or refuses with
 * PERMISSION_DENIED or RESERVATION_REFUSED. A reservation lasts until its expiry, a refresh, or the
 * close of the connection it was made on; expired ones are dropped by {@link #expire}.
 *
 * <p>Thread-safe.
 */
public final class ReserveHandler {
  private static final Logger log = LoggerFactory.getLogger(ReserveHandler.class);
  /**
   * The protection tag on a client holding a reservation here: the host's connection manager
   * must not trim or evict the connection it would be reached through (go's relay tags these
   * peers in its connection manager for the same reason).
   */
  public static final String PROTECTION_TAG = "relay-reservation-held";

  private final RelayContext relay;
  private final Identity identity;
  private final ReservationTable reservations;
  private final Duration ttl;
  private final CircuitLimit limit;
  private final Supplier<List<Multiaddr>> addresses;
  private final Set<Peer> watched = ConcurrentHashMap.newKeySet();

  /**
   * @param relay what the handler shares with the server
   * @param identity the relay's identity, which signs the vouchers
   * @param reservations the relay's reservations
   * @param ttl how long a reservation lasts
   * @param limit the limit on each circuit, announced in the answer
   * @param addresses the relay's addresses to put in reservations
   */
  public ReserveHandler(RelayContext relay, Identity identity, ReservationTable reservations, Duration ttl,
      CircuitLimit limit, Supplier<List<Multiaddr>> addresses) {
    this.relay = relay;
    this.identity = identity;
    this.reservations = reservations;
    this.ttl = ttl;
    this.limit = limit;
    this.addresses = addresses;
  }

  /**
   * Answers a RESERVE received on {@code stream}, closes the stream and reports the answer. Called
   * on the stream's event loop.
   *
   * @param stream the hop stream
   * @return the status sent
   */
  public RelayStatus handle(Stream stream) {
    Peer peer = stream.peer();
    RelayStatus status = reserve(stream, peer);
    relay.host().emit(l -> l.relayRequestAnswered(peer.peerId(), HopRequest.RESERVE, status));
    return status;
  }

  private RelayStatus reserve(Stream stream, Peer peer) {
    Channel ch = stream.channel();
    Multiaddr addr = peer.remoteAddress();
    if (HopReplies.isRelayed(peer)) {
      return HopReplies.refuse(ch, RelayStatus.PERMISSION_DENIED, "reservation over a relayed connection", peer);
    }
    if (!relay.acl().allowReserve(peer.peerId(), addr)) {
      return HopReplies.refuse(ch, RelayStatus.PERMISSION_DENIED, "ACL", peer);
    }
    if (!relay.running().getAsBoolean()) {
      return HopReplies.refuse(ch, RelayStatus.RESERVATION_REFUSED, "relay stopping", peer);
    }
    Instant now = relay.clock().instant();
    // Drop (and count) expired entries here, so the table's own purge in reserve() finds none
    // and every ended reservation reaches the metrics.
    expire(now);
    // Whole seconds on the wire: round the expiry down so the peer never outlives our entry.
    Instant expires = Instant.ofEpochSecond(now.plus(ttl).getEpochSecond());
    ReservationTable.Outcome outcome =
        reservations.reserve(peer.peerId(), addr, ipOf(addr), expires, peer, now);
    if (!outcome.accepted()) {
      return HopReplies.refuse(ch, RelayStatus.RESERVATION_REFUSED, "limit " + outcome.refusal(), peer);
    }
    watch(peer);
    relay.host().protect(peer.peerId(), PROTECTION_TAG);
    boolean renewal = outcome.renewal();
    relay.host().emit(l -> l.relayReservationGranted(peer.peerId(), renewal));
    HopMessage answer = CircuitMessages.hopStatus(RelayStatus.OK,
        ReservationMessages.reservation(identity, peer.peerId(), expires.getEpochSecond(), addresses.get()),
        limit);
    ReservationTable.Entry entry = outcome.entry();
    ch.writeAndFlush(CircuitMessages.encode(ch.alloc(), answer)).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        // The peer never learnt of it: take it back rather than hold a slot until expiry.
        log.debug("the reservation answer to {} could not be written: {}", peer.peerId(), f.cause().toString());
        if (reservations.remove(entry)) {
          relay.host().unprotect(entry.peer(), PROTECTION_TAG);
          relay.host().emit(l -> l.relayReservationsEnded(1));
        }
        StreamChannels.reset(ch);
      } else {
        ch.close();
      }
    });
    log.debug("reservation for {} until {}", peer.peerId(), expires);
    return RelayStatus.OK;
  }

  /**
   * Drops the reservations expired at {@code now} and reports them: what the relay's periodic
   * sweep runs.
   *
   * @param now the time to expire at
   * @return how many were dropped
   */
  public int expire(Instant now) {
    List<ReservationTable.Entry> gone = reservations.expire(now);
    gone.forEach(e -> relay.host().unprotect(e.peer(), PROTECTION_TAG));
    int n = gone.size();
    if (n > 0) {
      relay.host().emit(l -> l.relayReservationsEnded(n));
      log.debug("{} reservation(s) expired", n);
    }
    return n;
  }

  /** The IP address a connection came from: the first component of its TCP or QUIC address. */
  private static InetAddress ipOf(Multiaddr addr) {
    List<Component> c = addr.components();
    if (c.isEmpty() || (c.get(0).protocol() != Protocol.IP4 && c.get(0).protocol() != Protocol.IP6)) {
      return null;
    }
    try {
      return InetAddress.getByAddress(c.get(0).value());
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Drops the peer's reservation when the connection it was made on closes. */
  private void watch(Peer peer) {
    if (watched.add(peer)) {
      peer.closeFuture().whenComplete((v, e) -> {
        watched.remove(peer);
        if (reservations.remove(peer.peerId(), peer)) {
          relay.host().unprotect(peer.peerId(), PROTECTION_TAG);
          relay.host().emit(l -> l.relayReservationsEnded(1));
          log.debug("reservation of {} dropped: disconnected", peer.peerId());
        }
      });
    }
  }
}
