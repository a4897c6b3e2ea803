package io.peerlink.relay.internal.autorelay;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.core.EventListener;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.Reservation;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReservationSetTest {
  private static final PeerId SELF = Identity.generate().peerId();
  private static final Instant EXPIRY = Instant.parse("2025-01-01T01:00:00Z");

  /** What the set reported and cancelled, in order. */
  private final List<String> log = new ArrayList<>();
  private final List<PeerId> cancelled = new ArrayList<>();
  private final EventListener recorder = new EventListener() {
    @Override
    public void relayAdded(PeerId relay, List<Multiaddr> addresses, Instant expires) {
      log.add("added " + relay);
    }

    @Override
    public void relayDropped(PeerId relay, String reason, PeerException cause) {
      log.add("dropped " + relay + (cause == null ? "" : " (" + cause.getMessage() + ")"));
    }

    @Override
    public void relayAddressesChanged(List<Multiaddr> addresses) {
      log.add("addresses " + addresses.size());
    }
  };

  private ReservationSet set(int minRelays) {
    return new ReservationSet(minRelays, id -> {
      cancelled.add(id);
      log.add("cancelled " + id);
    }, e -> e.accept(recorder));
  }

  private static Reservation reservation(PeerId relay, int port, Instant expiry) {
    Multiaddr relayAddr = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port).withPeerId(relay);
    Multiaddr ours = Multiaddr.parse(relayAddr + "/p2p-circuit").withPeerId(SELF);
    return new Reservation(relay, relayAddr, expiry, List.of(ours), null, null);
  }

  private static PeerId relay() {
    return Identity.generate().peerId();
  }

  @Test
  void addingReportsTheRelayThenOurNewAddresses() {
    ReservationSet set = set(2);
    PeerId a = relay();
    Reservation r = reservation(a, 4001, EXPIRY);
    set.add(r, false, Duration.ofMillis(10));

    assertThat(log).containsExactly("added " + a, "addresses 1");
    assertThat(set.holds(a)).isTrue();
    assertThat(set.size()).isEqualTo(1);
    assertThat(set.addresses()).isEqualTo(r.addrs());
    assertThat(cancelled).isEmpty();
  }

  @Test
  void aPreferredRelayPushesOutTheSlowestPlainOneBeyondMinRelays() {
    ReservationSet set = set(2);
    PeerId fast = relay();
    PeerId slow = relay();
    PeerId unmeasured = relay();
    PeerId preferred = relay();
    set.add(reservation(fast, 4001, EXPIRY), false, Duration.ofMillis(5));
    set.add(reservation(slow, 4002, EXPIRY), false, Duration.ofMillis(50));
    log.clear();

    // A third plain relay over minRelays: the unmeasured one ranks lowest and goes at once.
    set.add(reservation(unmeasured, 4003, EXPIRY), false, null);
    assertThat(log).containsExactly("added " + unmeasured, "addresses 3",
        "cancelled " + unmeasured, "dropped " + unmeasured, "addresses 2");
    log.clear();

    set.add(reservation(preferred, 4004, EXPIRY), true, Duration.ofMillis(500));
    assertThat(log).containsExactly("added " + preferred, "addresses 3",
        "cancelled " + slow, "dropped " + slow, "addresses 2");
    assertThat(cancelled).containsExactly(unmeasured, slow);
    assertThat(set.relays()).containsExactlyInAnyOrder(fast, preferred);
    assertThat(set.ranked()).extracting(ActiveRelay::relay).containsExactly(preferred, fast);
  }

  @Test
  void preferredRelaysAreNeverTrimmedEvenBeyondMinRelays() {
    ReservationSet set = set(1);
    PeerId p1 = relay();
    PeerId p2 = relay();
    PeerId plain = relay();
    set.add(reservation(plain, 4001, EXPIRY), false, Duration.ofMillis(1));
    set.add(reservation(p1, 4002, EXPIRY), true, Duration.ofMillis(90));
    set.add(reservation(p2, 4003, EXPIRY), true, null);

    assertThat(cancelled).containsExactly(plain);
    assertThat(set.relays()).containsExactlyInAnyOrder(p1, p2);
    assertThat(set.ranked()).extracting(ActiveRelay::relay).containsExactly(p1, p2);
    set.trim();
    assertThat(set.size()).as("trimming again drops no preferred relay").isEqualTo(2);
  }

  @Test
  void aLostRelayIsRemovedAndReportedAndItsReplacementTakesItsAddresses() {
    ReservationSet set = set(2);
    PeerId a = relay();
    PeerId b = relay();
    PeerId spare = relay();
    set.add(reservation(a, 4001, EXPIRY), false, Duration.ofMillis(5));
    set.add(reservation(b, 4002, EXPIRY), false, Duration.ofMillis(6));
    log.clear();

    assertThat(set.lost(a, "lost: connection closed", new IOException("reset"))).isTrue();
    assertThat(log).containsExactly("dropped " + a + " (reset)", "addresses 1");
    assertThat(set.holds(a)).isFalse();
    assertThat(cancelled).as("the client lost it already: nothing to cancel").isEmpty();
    assertThat(set.lost(a, "again", null)).as("a relay not held is not reported twice").isFalse();

    Reservation replacement = reservation(spare, 4003, EXPIRY);
    set.add(replacement, false, Duration.ofMillis(7));
    assertThat(set.relays()).containsExactlyInAnyOrder(b, spare);
    assertThat(set.addresses()).hasSize(2).containsAll(replacement.addrs());
    assertThat(cancelled).isEmpty();
  }

  @Test
  void aRefreshReplacesTheReservationInPlaceKeepingPreferenceAndRtt() {
    ReservationSet set = set(2);
    PeerId a = relay();
    Reservation first = reservation(a, 4001, EXPIRY);
    set.add(first, true, Duration.ofMillis(8));
    log.clear();

    set.refreshed(first);
    assertThat(log).as("the very reservation held changes nothing").isEmpty();

    Reservation renewed = reservation(a, 4001, EXPIRY.plusSeconds(3600));
    set.refreshed(renewed);
    assertThat(log).as("same addresses: nothing to report").isEmpty();
    assertThat(set.ranked()).singleElement().satisfies(r -> {
      assertThat(r.expiration()).isEqualTo(EXPIRY.plusSeconds(3600));
      assertThat(r.preferred()).isTrue();
      assertThat(r.rtt()).isEqualTo(Duration.ofMillis(8));
    });

    Reservation moved = reservation(a, 4999, EXPIRY.plusSeconds(7200));
    set.refreshed(moved);
    assertThat(log).containsExactly("addresses 1");
    assertThat(set.addresses()).isEqualTo(moved.addrs());

    set.refreshed(reservation(relay(), 4005, EXPIRY));
    assertThat(set.size()).as("a refresh of a relay not held is ignored").isEqualTo(1);
  }

  @Test
  void aNewMeasurementReranksTheRelaysHeld() {
    ReservationSet set = set(3);
    PeerId a = relay();
    PeerId b = relay();
    set.add(reservation(a, 4001, EXPIRY), false, Duration.ofMillis(5));
    set.add(reservation(b, 4002, EXPIRY), false, Duration.ofMillis(9));
    assertThat(set.ranked()).extracting(ActiveRelay::relay).containsExactly(a, b);
    set.measured(a, Duration.ofMillis(20));
    assertThat(set.ranked()).extracting(ActiveRelay::relay).containsExactly(b, a);
    assertThat(set.inOrderAdded()).extracting(ActiveRelay::relay).containsExactly(a, b);
  }

  @Test
  void cancelAllCancelsEveryReservationAndReportsOnlyWhenAsked() {
    ReservationSet set = set(2);
    PeerId a = relay();
    PeerId b = relay();
    set.add(reservation(a, 4001, EXPIRY), false, null);
    set.add(reservation(b, 4002, EXPIRY), false, null);
    log.clear();

    assertThat(set.cancelAll()).containsExactly(a, b);
    assertThat(cancelled).containsExactly(a, b);
    assertThat(set.size()).isZero();
    assertThat(log).containsExactly("cancelled " + a, "cancelled " + b);
    set.reportAddresses();
    assertThat(log).endsWith("addresses 0");
    assertThat(set.addresses()).isEmpty();
    set.reportAddresses();
    assertThat(log).as("unchanged addresses are reported once").hasSize(3);
  }
}
