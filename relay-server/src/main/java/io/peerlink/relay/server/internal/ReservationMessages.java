package io.peerlink.relay.server.internal;

import com.google.protobuf.ByteString;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.circuit.ReservationVouchers;
import io.peerlink.relay.internal.proto.CircuitProtos.Reservation;
import java.util.List;

/** Builds the {@code Reservation} of a RESERVE answer: expiry, relay addresses, signed voucher. */
public final class ReservationMessages {
  /** Room left in the 4 KiB answer for everything but the addresses. */
  private static final int ADDRESS_BUDGET = CircuitMessages.MAX_MESSAGE_SIZE - 1024;

  private ReservationMessages() {}

  /**
   * @param addrs the relay's public addresses, each ending in {@code /p2p/<relay>}; trimmed so the
   *     answer stays under the message size
   */
  public static Reservation reservation(Identity relay, PeerId peer, long expireUnixSeconds, List<Multiaddr> addrs) {
    Reservation.Builder b = Reservation.newBuilder().setExpire(expireUnixSeconds);
    int used = 0;
    for (Multiaddr a : addrs) {
      byte[] bytes = a.bytes();
      if (used + bytes.length + 3 > ADDRESS_BUDGET) {
        break;
      }
      used += bytes.length + 3;
      b.addAddrs(ByteString.copyFrom(bytes));
    }
    b.setVoucher(ByteString.copyFrom(ReservationVouchers.seal(relay, peer, expireUnixSeconds)));
    return b.build();
  }
}
