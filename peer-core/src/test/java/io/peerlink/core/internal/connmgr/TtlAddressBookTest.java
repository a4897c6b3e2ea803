package io.peerlink.core.internal.connmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.AddressBook;
import io.peerlink.core.AddressBookConfig;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The address book's expiry classes, circuit addresses and bounds, on a stepped clock. */
class TtlAddressBookTest {
  private Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final PeerId relay = Identity.generate().peerId();

  private TtlAddressBook book(AddressBookConfig config) {
    return new TtlAddressBook(config, () -> clock);
  }

  private void step(Duration d) {
    clock = Clock.offset(clock, d);
  }

  private static Multiaddr tcp(int port) {
    return Multiaddr.parse("/ip4/10.0.0.1/tcp/" + port);
  }

  private Multiaddr circuit() {
    return Multiaddr.parse("/ip4/203.0.113.1/tcp/4001/p2p/" + relay + "/p2p-circuit");
  }

  @Test
  void addressesExpireAfterTheirTtlAndALongerTtlWins() {
    TtlAddressBook book = book(AddressBookConfig.defaults());
    PeerId p = Identity.generate().peerId();
    book.add(p, List.of(tcp(1)), AddressBook.TEMP_TTL);
    book.add(p, List.of(tcp(2)), AddressBook.ADDRESS_TTL);
    book.add(p, List.of(tcp(3)), AddressBook.PERMANENT);
    book.add(p, List.of(tcp(2)), AddressBook.TEMP_TTL); // shorter: keeps its hour
    assertThat(book.addresses(p)).containsExactly(tcp(1), tcp(2), tcp(3));

    step(Duration.ofMinutes(3));
    assertThat(book.addresses(p)).containsExactly(tcp(2), tcp(3));
    step(Duration.ofHours(1));
    assertThat(book.addresses(p)).containsExactly(tcp(3));
    step(Duration.ofDays(3650));
    assertThat(book.addresses(p)).containsExactly(tcp(3));
  }

  @Test
  void circuitAddressesAreKeptAndTheTargetSuffixIsDropped() {
    TtlAddressBook book = book(AddressBookConfig.defaults());
    PeerId p = Identity.generate().peerId();
    Multiaddr withTarget = circuit().encapsulate(Multiaddr.parse("/p2p/" + p));
    Multiaddr quic = Multiaddr.parse("/ip4/10.0.0.1/udp/1/quic-v1");
    // QUIC v1 is dialed, so kept; a transport peerlink does not speak (WebTransport) is dropped.
    book.add(p, List.of(withTarget, tcp(1).withPeerId(p), quic.withPeerId(p),
            Multiaddr.parse("/ip4/10.0.0.1/udp/2/quic-v1/webtransport")),
        AddressBook.ADDRESS_TTL);
    assertThat(book.addresses(p)).containsExactly(circuit(), tcp(1), quic);
    assertThat(book.circuitAddresses(p)).containsExactly(circuit());
    assertThat(book.directAddresses(p)).containsExactly(tcp(1), quic);
    PeerId other = Identity.generate().peerId();
    assertThatThrownBy(() -> book.add(p, List.of(tcp(2).withPeerId(other)), AddressBook.ADDRESS_TTL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names");
  }

  @Test
  void announcedAddressesLiveWhileConnectedThenForTheRecentlyConnectedTtl() {
    TtlAddressBook book = book(AddressBookConfig.builder().recentlyConnectedMaxAddresses(2).build());
    PeerId p = Identity.generate().peerId();
    book.add(p, List.of(tcp(9)), AddressBook.TEMP_TTL); // the caller's own: not touched by identify
    book.dialed(p, tcp(1));
    book.announced(p, List.of(tcp(2), tcp(3), circuit()));
    step(Duration.ofDays(1));
    assertThat(book.addresses(p)).containsExactly(tcp(2), tcp(3), circuit()); // tcp(9) expired

    book.announced(p, List.of(tcp(3), circuit(), tcp(4))); // a push: tcp(2) gone, tcp(4) new
    assertThat(book.addresses(p)).containsExactly(tcp(3), circuit(), tcp(4));

    book.disconnected(p, tcp(4));
    assertThat(book.addresses(p)).containsExactly(tcp(3), tcp(4)); // two kept, the last remote first
    step(AddressBook.RECENTLY_CONNECTED_TTL.minusSeconds(1));
    assertThat(book.addresses(p)).hasSize(2);
    step(Duration.ofSeconds(1));
    assertThat(book.addresses(p)).isEmpty();
    assertThat(book.peers()).doesNotContain(p);
  }

  @Test
  void perPeerAndPeerCountBoundsHold() {
    TtlAddressBook book = book(AddressBookConfig.builder().maxAddressesPerPeer(3).maxPeers(2).build());
    PeerId a = Identity.generate().peerId();
    List<Multiaddr> many = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      many.add(tcp(i));
    }
    book.add(a, many, AddressBook.ADDRESS_TTL);
    assertThat(book.addresses(a)).containsExactly(tcp(1), tcp(2), tcp(3));
    book.announced(a, many);
    assertThat(book.addresses(a)).hasSize(3);

    PeerId b = Identity.generate().peerId();
    book.add(b, List.of(tcp(1)), AddressBook.TEMP_TTL);
    PeerId c = Identity.generate().peerId();
    book.add(c, List.of(tcp(1)), AddressBook.ADDRESS_TTL);
    // Full at two peers: c took the place of b (disconnected, expiring soonest); a is connected.
    assertThat(book.peers()).containsExactlyInAnyOrder(a, c);

    book.announced(c, List.of(tcp(5)));
    PeerId d = Identity.generate().peerId();
    book.add(d, List.of(tcp(1)), AddressBook.ADDRESS_TTL); // every held peer is connected: dropped
    assertThat(book.addresses(d)).isEmpty();
  }
}
