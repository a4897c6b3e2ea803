package io.peerlink.relay.internal.client;

import com.google.protobuf.ByteString;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerError;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.RelayClientConfig;
import io.peerlink.relay.RelayException;
import io.peerlink.relay.Reservation;
import io.peerlink.relay.internal.circuit.CircuitLimit;
import io.peerlink.relay.internal.proto.CircuitProtos;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a relay's answer to RESERVE and turns it into a {@link Reservation}: the status must be
 * OK, the reservation present, its expiry in the future (one beyond
 * {@link RelayClientConfig#maxReservationLifetime()} is taken as that bound), and its voucher (when there is one, or
 * when {@link RelayClientConfig#requireVoucher()}) signed by the relay for us. Our relayed
 * addresses are the relay's addresses it gave, each with {@code /p2p-circuit/p2p/<us>}.
 */
final class ReservationAnswer {
  private static final Logger log = LoggerFactory.getLogger(ReservationAnswer.class);

  private ReservationAnswer() {}

  /**
   * The reservation {@code answer} grants.
   *
   * @param answer the relay's STATUS
   * @param relayAddr the relay's address as the caller gave it
   * @param relayId the relay's peer ID
   * @param self our peer ID
   * @param conn the connection to the relay the answer came on
   * @param config the client's settings (clock, voucher requirement)
   * @return the reservation
   * @throws CompletionException carrying a {@link RelayException}: a refusal (status set), or an
   *     answer that does not hold up (kind {@link PeerError#PROTOCOL})
   */
  static Reservation accept(HopMessage answer, Multiaddr relayAddr, PeerId relayId, PeerId self, Peer conn,
      RelayClientConfig config) {
    if (answer.getStatusValue() != CircuitProtos.Status.OK_VALUE) {
      throw new CompletionException(Statuses.refusal("reservation", answer.getStatusValue()));
    }
    if (!answer.hasReservation()) {
      throw malformed("the relay's OK carries no reservation", null);
    }
    CircuitProtos.Reservation rsvp = answer.getReservation();
    Instant now = config.clock().instant();
    long expire = rsvp.getExpire();
    if (Long.compareUnsigned(expire, now.getEpochSecond()) <= 0) {
      // Expiring now would be refreshed at once, and again, for as long as the relay says so.
      throw malformed("the reservation expires at " + Long.toUnsignedString(expire) + ", now or in the past",
          null);
    }
    // The wire allows expiries up to 2^64 - 1 s: take one beyond our bound as the bound, so the
    // refresh is scheduled by then (rather than from a date that overflowed into the past).
    long latest = now.plus(config.maxReservationLifetime()).getEpochSecond();
    if (Long.compareUnsigned(expire, latest) > 0) {
      log.debug("relay {} gave an expiry {} s away; taking {}", relayId,
          Long.toUnsignedString(expire - now.getEpochSecond()), config.maxReservationLifetime());
      expire = latest;
    }
    byte[] voucher = null;
    if (rsvp.hasVoucher() && !rsvp.getVoucher().isEmpty()) {
      voucher = rsvp.getVoucher().toByteArray();
      try {
        VoucherCheck.verify(voucher, relayId, self, now.getEpochSecond());
      } catch (ProtocolViolationException e) {
        throw malformed("the reservation voucher does not verify: " + e.getMessage(), e);
      }
    } else if (config.requireVoucher()) {
      throw malformed("the reservation has no voucher", null);
    }
    return new Reservation(relayId, relayAddr, Instant.ofEpochSecond(expire),
        ownAddresses(relayAddr, relayId, self, rsvp.getAddrsList(), conn),
        CircuitLimit.fromProto(answer.hasLimit() ? answer.getLimit() : null).toConnectionLimit(), voucher);
  }

  /** A failure of the answer, carried out of a future's stage; {@code PeerException.wrap} unwraps it. */
  private static CompletionException malformed(String message, Throwable cause) {
    return new CompletionException(new RelayException(PeerError.PROTOCOL, message, cause));
  }

  /**
   * Our addresses through the relay: each address the relay gave (with {@code /p2p/<relay>}) plus
   * {@code /p2p-circuit/p2p/<self>}. A relay that gives none (it thinks none of its addresses is
   * public) is still reachable where we reached it.
   */
  private static List<Multiaddr> ownAddresses(Multiaddr dialed, PeerId relayId, PeerId self, List<ByteString> given,
      Peer conn) {
    LinkedHashSet<Multiaddr> out = new LinkedHashSet<>();
    for (ByteString b : given) {
      Multiaddr a;
      try {
        a = Multiaddr.fromBytes(b.toByteArray());
      } catch (IllegalArgumentException e) {
        log.debug("relay {} gave an unreadable address; skipped", relayId);
        continue;
      }
      if (a.isRelayed() || (a.peerId().isPresent() && !a.peerId().get().equals(relayId))) {
        continue;
      }
      out.add(RelayAddresses.reserved(a.withPeerId(relayId), self));
    }
    if (out.isEmpty()) {
      Multiaddr where = dialed.withoutPeerId().components().isEmpty() ? conn.remoteAddress() : dialed.withoutPeerId();
      out.add(RelayAddresses.reserved(where.withPeerId(relayId), self));
    }
    return List.copyOf(out);
  }
}
