package io.peerlink.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.EventListener;
import io.peerlink.core.Peer;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.circuit.ReservationVouchers;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reservation expiry and refresh through the whole server, with a clock the test moves (no
 * sleeps): the expiry on the wire and in the voucher, refresh by a new RESERVE, CONNECT refused
 * once the reservation lapsed, the live view, and the sweep reporting what expired.
 */
class ReservationExpiryTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  /** A clock that stands still until the test moves it. */
  static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final TestClock clock = new TestClock(T0);
  private final List<HopTestPeer> peers = new ArrayList<>();
  private final List<Boolean> grants = new CopyOnWriteArrayList<>();
  private final AtomicInteger ended = new AtomicInteger();
  private RelayServer relay;

  @AfterEach
  void closeAll() throws Exception {
    peers.forEach(HopTestPeer::close);
    if (relay != null) {
      relay.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
    }
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(20, TimeUnit.SECONDS);
  }

  private HopTestPeer peer() {
    HopTestPeer p = new HopTestPeer();
    peers.add(p);
    return p;
  }

  private static RelayStatus status(HopMessage m) {
    return CircuitMessages.fromProto(m.getStatus());
  }

  @Test
  void expiryAndRefreshFollowTheRelayClock() throws Exception {
    relay = RelayServer.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        // The background sweep never runs during the test; the test sweeps explicitly.
        .limiter(RelayLimiter.builder().reservationTtl(Duration.ofSeconds(60))
            .reservationSweepInterval(Duration.ofHours(1)).build())
        .publicAddressFilter(AddressFilter.everything())
        .clock(clock)
        // Events run on the thread that reports them, so they are in before the answer is sent.
        .eventExecutor(Runnable::run)
        .eventListener(new EventListener() {
          @Override
          public void relayReservationGranted(PeerId client, boolean renewal) {
            grants.add(renewal);
          }

          @Override
          public void relayReservationsEnded(int count) {
            ended.addAndGet(count);
          }
        })
        .build();
    get(relay.start());
    Multiaddr relayAddr = relay.listener().listenAddresses().get(0);
    HopTestPeer a = peer();
    Peer aToRelay = get(a.connect(relayAddr));
    Peer bToRelay = get(peer().connect(relayAddr));

    HopMessage first = get(HopTestPeer.reserve(aToRelay));
    assertThat(status(first)).isEqualTo(RelayStatus.OK);
    assertThat(first.getReservation().getExpire()).isEqualTo(T0.getEpochSecond() + 60);
    assertThat(ReservationVouchers.open(first.getReservation().getVoucher().toByteArray()).expiration())
        .isEqualTo(T0.getEpochSecond() + 60);
    assertThat(relay.reservations()).extracting(ReservationInfo::expires).containsExactly(T0.plusSeconds(60));
    Host relayHost = Host.of(relay.listener());
    assertThat(relayHost.isProtected(a.peerId())).as("trimming must spare a reservation holder").isTrue();

    // 50 s later A refreshes: a renewal, the expiry moves to 50 + 60, still one reservation.
    clock.advance(Duration.ofSeconds(50));
    HopMessage refresh = get(HopTestPeer.reserve(aToRelay));
    assertThat(status(refresh)).isEqualTo(RelayStatus.OK);
    assertThat(refresh.getReservation().getExpire()).isEqualTo(T0.getEpochSecond() + 110);
    assertThat(grants).containsExactly(false, true);
    assertThat(relay.reservations()).extracting(ReservationInfo::expires).containsExactly(T0.plusSeconds(110));

    // Past the first expiry but within the refreshed one: CONNECT still reaches A.
    clock.advance(Duration.ofSeconds(20)); // T0 + 70
    HopTestPeer.Circuit c = get(HopTestPeer.connectVia(bToRelay, a.peerId()));
    assertThat(status(c.answer())).isEqualTo(RelayStatus.OK);
    c.stream().channel().close();

    // At the expiry second itself the reservation still holds (the expiry is inclusive).
    clock.advance(Duration.ofSeconds(40)); // T0 + 110
    assertThat(relay.reservations()).hasSize(1);
    assertThat(relay.expireReservations(clock.instant())).isZero();

    // A moment later it has lapsed: gone from the view and CONNECT gets NO_RESERVATION, before any sweep.
    clock.advance(Duration.ofMillis(1));
    assertThat(relay.reservations()).isEmpty();
    assertThat(status(get(HopTestPeer.connectVia(bToRelay, a.peerId())).answer()))
        .isEqualTo(RelayStatus.NO_RESERVATION);
    assertThat(ended).hasValue(0);
    // The sweep drops it and reports it ended, once.
    assertThat(relay.expireReservations(clock.instant())).isEqualTo(1);
    assertThat(relay.expireReservations(clock.instant())).isZero();
    assertThat(ended).hasValue(1);
    assertThat(relayHost.isProtected(a.peerId())).isFalse();

    // A new RESERVE after the lapse is a fresh reservation, not a renewal.
    HopMessage again = get(HopTestPeer.reserve(aToRelay));
    assertThat(status(again)).isEqualTo(RelayStatus.OK);
    assertThat(again.getReservation().getExpire()).isEqualTo(T0.getEpochSecond() + 170);
    assertThat(grants).containsExactly(false, true, false);
    assertThat(relayHost.isProtected(a.peerId())).isTrue();

    // A closes its connection: the reservation goes, and so does the protection.
    get(aToRelay.close());
    Awaitility.await("the relay drops the reservation of a closed connection").atMost(Duration.ofSeconds(20))
        .until(() -> !relayHost.isProtected(a.peerId()));
  }

  @Test
  void anExpiredReservationFreesItsSlotAndIsReportedWhenTheNextReserveFindsIt() throws Exception {
    relay = RelayServer.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .limiter(RelayLimiter.builder().maxReservations(1).reservationTtl(Duration.ofSeconds(60))
            .reservationSweepInterval(Duration.ofHours(1)).build())
        .publicAddressFilter(AddressFilter.everything())
        .clock(clock)
        // Events run on the thread that reports them, so they are in before the answer is sent.
        .eventExecutor(Runnable::run)
        .eventListener(new EventListener() {
          @Override
          public void relayReservationsEnded(int count) {
            ended.addAndGet(count);
          }
        })
        .build();
    get(relay.start());
    Multiaddr relayAddr = relay.listener().listenAddresses().get(0);
    Peer a = get(peer().connect(relayAddr));
    HopTestPeer bPeer = peer();
    Peer b = get(bPeer.connect(relayAddr));
    assertThat(status(get(HopTestPeer.reserve(a)))).isEqualTo(RelayStatus.OK);
    assertThat(status(get(HopTestPeer.reserve(b)))).isEqualTo(RelayStatus.RESERVATION_REFUSED);
    clock.advance(Duration.ofSeconds(61));
    // No sweep ran: the RESERVE itself finds the expired entry, frees the slot and reports it.
    assertThat(status(get(HopTestPeer.reserve(b)))).isEqualTo(RelayStatus.OK);
    assertThat(ended).hasValue(1);
    assertThat(relay.reservations()).extracting(r -> r.peer()).containsExactly(bPeer.peerId());
  }
}
