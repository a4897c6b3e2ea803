package io.peerlink.relay.internal.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.relay.internal.client.VoucherCheck;

/**
 * Reads arbitrary bytes as a reservation voucher, as a relay client does with the voucher in a
 * relay's reservation answer: the signed envelope (its public key, payload type, payload and
 * signature), then the {@code ReservationVoucher} inside and its two peer IDs.
 *
 * <p>Either it opens, and then passes the client's check for the relay and peer it names, or it
 * throws {@link ProtocolViolationException}; nothing else. The inputs are vouchers an Ed25519
 * relay sealed and a few near misses (another domain, an empty voucher). A plain test run replays the inputs under
 * {@code ReservationVouchersFuzzTestInputs}; see docs/testing.md, "Fuzzing", to fuzz.
 */
class ReservationVouchersFuzzTest {

  @FuzzTest
  void envelope(byte[] data) {
    ReservationVouchers.Voucher voucher;
    try {
      voucher = ReservationVouchers.open(data);
    } catch (ProtocolViolationException e) {
      return;
    }
    try {
      assertThat(VoucherCheck.verify(data, voucher.relay(), voucher.peer(), 0)).isEqualTo(voucher);
    } catch (ProtocolViolationException e) {
      throw new AssertionError("an opened voucher fails the client's check: " + e.getMessage(), e);
    }
  }
}
