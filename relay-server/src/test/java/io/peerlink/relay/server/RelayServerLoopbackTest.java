package io.peerlink.relay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.peerlink.core.EventListener;
import io.peerlink.core.Peer;
import io.peerlink.core.event.CircuitEnd;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.internal.circuit.CircuitLimit;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.circuit.ReservationVouchers;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import io.peerlink.relay.internal.proto.CircuitProtos.StopMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay with real peerlink peers over TCP on 127.0.0.1. */
class RelayServerLoopbackTest {
  private final List<AutoCloseable> closers = new ArrayList<>();
  private RelayServer relay;
  /** The first circuit end the relay reports. */
  private final CompletableFuture<CircuitEnd> ends = new CompletableFuture<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
    if (relay != null) {
      relay.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
    }
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(20, TimeUnit.SECONDS);
  }

  private RelayServer relay(RelayLimiter limiter, Acl acl) throws Exception {
    relay = RelayServer.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .limiter(limiter)
        .acl(acl)
        .publicAddressFilter(AddressFilter.everything())
        .eventListener(new EventListener() {
          @Override
          public void circuitClosed(PeerId source, PeerId target, CircuitEnd end, Duration lifetime,
              long bytesToTarget, long bytesToSource) {
            ends.complete(end);
          }
        })
        .build();
    get(relay.start());
    return relay;
  }

  private HopTestPeer peer() {
    HopTestPeer p = new HopTestPeer();
    closers.add(p);
    return p;
  }

  private Multiaddr relayAddr() {
    return relay.listener().listenAddresses().get(0);
  }

  private static RelayStatus status(HopMessage m) {
    assertThat(m.getType()).isEqualTo(HopMessage.Type.STATUS);
    return CircuitMessages.fromProto(m.getStatus());
  }

  @Test
  void reserveConnectAndEchoThroughTheCircuit() throws Exception {
    relay(RelayLimiter.defaults(), Acl.ALLOW_ALL);
    HopTestPeer a = peer();
    HopTestPeer b = peer();
    Peer aToRelay = get(a.connect(relayAddr()));
    HopMessage rsvp = get(HopTestPeer.reserve(aToRelay));
    assertThat(status(rsvp)).isEqualTo(RelayStatus.OK);
    long expire = rsvp.getReservation().getExpire();
    assertThat(expire).isBetween(Instant.now().getEpochSecond() + 3590, Instant.now().getEpochSecond() + 3600);
    assertThat(rsvp.getReservation().getAddrsList()).isNotEmpty();
    Multiaddr advertised = Multiaddr.fromBytes(rsvp.getReservation().getAddrs(0).toByteArray());
    assertThat(advertised.peerId()).contains(relay.peerId());
    ReservationVouchers.Voucher v = ReservationVouchers.open(rsvp.getReservation().getVoucher().toByteArray());
    assertThat(v.relay()).isEqualTo(relay.peerId());
    assertThat(v.peer()).isEqualTo(a.peerId());
    assertThat(v.expiration()).isEqualTo(expire);
    assertThat(CircuitLimit.fromProto(rsvp.getLimit())).isEqualTo(new CircuitLimit(120, 131072));
    assertThat(relay.reservations()).extracting(ReservationInfo::peer).containsExactly(a.peerId());

    Peer bToRelay = get(b.connect(relayAddr()));
    HopTestPeer.Circuit c = get(HopTestPeer.connectVia(bToRelay, a.peerId()));
    assertThat(status(c.answer())).isEqualTo(RelayStatus.OK);
    assertThat(CircuitLimit.fromProto(c.answer().getLimit())).isEqualTo(new CircuitLimit(120, 131072));
    StopMessage stop = get(a.stopRequest);
    assertThat(stop.getType()).isEqualTo(StopMessage.Type.CONNECT);
    assertThat(CircuitMessages.peerId(stop.getPeer())).isEqualTo(b.peerId());
    assertThat(CircuitLimit.fromProto(stop.getLimit())).isEqualTo(new CircuitLimit(120, 131072));

    byte[] payload = new byte[100_000];
    new Random(7).nextBytes(payload);
    c.send(payload);
    c.halfClose();
    get(c.end().inputShutdown); // a echoed everything and half-closed back
    assertThat(c.end().bytes()).isEqualTo(payload);
    assertThat(c.end().error).isNull();
    assertThat(get(ends)).isEqualTo(CircuitEnd.COMPLETED);
    assertThat(relay.circuits()).isEmpty();
    c.stream().channel().close();
  }

  @Test
  void dataLimitEndsTheCircuitAtTheByte() throws Exception {
    relay(RelayLimiter.builder().maxCircuitData(1000).build(), Acl.ALLOW_ALL);
    HopTestPeer a = peer();
    a.echo = false;
    HopTestPeer b = peer();
    assertThat(status(get(HopTestPeer.reserve(get(a.connect(relayAddr())))))).isEqualTo(RelayStatus.OK);
    HopTestPeer.Circuit c = get(HopTestPeer.connectVia(get(b.connect(relayAddr())), a.peerId()));
    assertThat(c.answer().getLimit().getData()).isEqualTo(1000);
    HopTestPeer.End aEnd = get(a.stopEnd);
    c.send(new byte[600]);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> aEnd.bytes().length == 600);
    c.send(new byte[400]);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> aEnd.bytes().length == 1000);
    assertThat(aEnd.closed).isNotDone(); // exactly the limit: still open
    c.send(new byte[1]);
    get(aEnd.closed);
    get(c.end().closed);
    assertThat(aEnd.bytes()).hasSize(1000);
    assertThat(aEnd.error).isNotNull(); // reset, not a clean end
    assertThat(c.end().error).isNotNull();
    assertThat(get(ends)).isEqualTo(CircuitEnd.DATA_LIMIT);
    assertThat(relay.bytesRelayed()).isEqualTo(1000);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> relay.circuits().isEmpty());
  }

  @Test
  void noReservation() throws Exception {
    relay(RelayLimiter.defaults(), Acl.ALLOW_ALL);
    HopTestPeer a = peer();
    HopTestPeer b = peer();
    get(a.connect(relayAddr()));
    HopTestPeer.Circuit c = get(HopTestPeer.connectVia(get(b.connect(relayAddr())), a.peerId()));
    assertThat(status(c.answer())).isEqualTo(RelayStatus.NO_RESERVATION);
  }

  @Test
  void aConnectToOneselfIsRefusedAtOnce() throws Exception {
    relay(RelayLimiter.defaults(), Acl.ALLOW_ALL);
    HopTestPeer a = peer();
    Peer aToRelay = get(a.connect(relayAddr()));
    assertThat(status(get(HopTestPeer.reserve(aToRelay)))).isEqualTo(RelayStatus.OK);
    HopTestPeer.Circuit c = HopTestPeer.connectVia(aToRelay, a.peerId()).get(2, TimeUnit.SECONDS);
    assertThat(status(c.answer())).isEqualTo(RelayStatus.PERMISSION_DENIED);
    assertThat(a.stopRequest).as("no stop stream opened back to the source").isNotDone();
    assertThat(relay.circuits()).isEmpty();
  }

  @Test
  void malformedAndUnexpected() throws Exception {
    relay(RelayLimiter.defaults(), Acl.ALLOW_ALL);
    Peer p = get(peer().connect(relayAddr()));
    // CONNECT without a peer
    HopMessage noPeer = HopMessage.newBuilder().setType(HopMessage.Type.CONNECT).build();
    assertThat(status(get(HopTestPeer.request(p, CircuitMessages.encode(ByteBufAllocator.DEFAULT, noPeer)))))
        .isEqualTo(RelayStatus.MALFORMED_MESSAGE);
    // not a protobuf
    assertThat(status(get(HopTestPeer.request(p, Unpooled.wrappedBuffer(new byte[] {2, 0x12, 0x05})))))
        .isEqualTo(RelayStatus.MALFORMED_MESSAGE);
    // over 4096 bytes, refused from the length alone
    assertThat(status(get(HopTestPeer.request(p, Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 0x20, 0})))))
        .isEqualTo(RelayStatus.MALFORMED_MESSAGE);
    // a STATUS as a request
    assertThat(status(get(HopTestPeer.request(p,
        CircuitMessages.encode(ByteBufAllocator.DEFAULT, CircuitMessages.hopStatus(RelayStatus.OK, null, null))))))
        .isEqualTo(RelayStatus.UNEXPECTED_MESSAGE);
  }

  @Test
  void reservationLimitsAtTheirBoundary() throws Exception {
    relay(RelayLimiter.builder().maxReservations(2).build(), Acl.ALLOW_ALL);
    Peer p1 = get(peer().connect(relayAddr()));
    Peer p2 = get(peer().connect(relayAddr()));
    Peer p3 = get(peer().connect(relayAddr()));
    assertThat(status(get(HopTestPeer.reserve(p1)))).isEqualTo(RelayStatus.OK);
    assertThat(status(get(HopTestPeer.reserve(p2)))).isEqualTo(RelayStatus.OK);
    assertThat(status(get(HopTestPeer.reserve(p3)))).isEqualTo(RelayStatus.RESERVATION_REFUSED);
    // a refresh at the limit is still granted
    assertThat(status(get(HopTestPeer.reserve(p1)))).isEqualTo(RelayStatus.OK);
    // disconnecting frees the slot
    get(p2.close());
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(() -> relay.reservations().size() == 1);
    assertThat(status(get(HopTestPeer.reserve(p3)))).isEqualTo(RelayStatus.OK);
  }

  @Test
  void perIpLimit() throws Exception {
    relay(RelayLimiter.builder().maxReservationsPerIp(1).build(), Acl.ALLOW_ALL);
    assertThat(status(get(HopTestPeer.reserve(get(peer().connect(relayAddr())))))).isEqualTo(RelayStatus.OK);
    assertThat(status(get(HopTestPeer.reserve(get(peer().connect(relayAddr()))))))
        .isEqualTo(RelayStatus.RESERVATION_REFUSED);
  }

  @Test
  void circuitsPerPeerLimit() throws Exception {
    relay(RelayLimiter.builder().maxCircuitsPerPeer(1).build(), Acl.ALLOW_ALL);
    HopTestPeer a = peer();
    assertThat(status(get(HopTestPeer.reserve(get(a.connect(relayAddr())))))).isEqualTo(RelayStatus.OK);
    Peer b = get(peer().connect(relayAddr()));
    assertThat(status(get(HopTestPeer.connectVia(b, a.peerId())).answer())).isEqualTo(RelayStatus.OK);
    assertThat(status(get(HopTestPeer.connectVia(b, a.peerId())).answer()))
        .isEqualTo(RelayStatus.RESOURCE_LIMIT_EXCEEDED);
    assertThat(relay.circuits()).hasSize(1);
  }

  @Test
  void totalCircuitLimitAtItsBoundary() throws Exception {
    relay(RelayLimiter.builder().maxCircuits(2).maxCircuitsPerPeer(0).build(), Acl.ALLOW_ALL);
    HopTestPeer a = peer();
    assertThat(status(get(HopTestPeer.reserve(get(a.connect(relayAddr())))))).isEqualTo(RelayStatus.OK);
    HopTestPeer.Circuit c1 = get(HopTestPeer.connectVia(get(peer().connect(relayAddr())), a.peerId()));
    HopTestPeer.Circuit c2 = get(HopTestPeer.connectVia(get(peer().connect(relayAddr())), a.peerId()));
    assertThat(status(c1.answer())).isEqualTo(RelayStatus.OK);
    assertThat(status(c2.answer())).isEqualTo(RelayStatus.OK);
    Peer third = get(peer().connect(relayAddr()));
    assertThat(status(get(HopTestPeer.connectVia(third, a.peerId())).answer()))
        .isEqualTo(RelayStatus.RESOURCE_LIMIT_EXCEEDED);
    assertThat(relay.circuits()).hasSize(2);
    // Closing one circuit frees its slot for the third source.
    c1.stream().channel().close();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(() -> relay.circuits().size() == 1);
    assertThat(status(get(HopTestPeer.connectVia(third, a.peerId())).answer())).isEqualTo(RelayStatus.OK);
  }

  @Test
  void aclDenies() throws Exception {
    HopTestPeer denied = peer();
    relay(RelayLimiter.defaults(), new Acl() {
      @Override
      public boolean allowReserve(PeerId peer, Multiaddr addr) {
        return !peer.equals(denied.peerId());
      }

      @Override
      public boolean allowConnect(PeerId src, Multiaddr srcAddr, PeerId dest) {
        return !src.equals(denied.peerId());
      }
    });
    HopTestPeer a = peer();
    assertThat(status(get(HopTestPeer.reserve(get(a.connect(relayAddr())))))).isEqualTo(RelayStatus.OK);
    Peer d = get(denied.connect(relayAddr()));
    assertThat(status(get(HopTestPeer.reserve(d)))).isEqualTo(RelayStatus.PERMISSION_DENIED);
    assertThat(status(get(HopTestPeer.connectVia(d, a.peerId())).answer())).isEqualTo(RelayStatus.PERMISSION_DENIED);
  }

  @Test
  void targetRefusingTheStopIsConnectionFailed() throws Exception {
    relay(RelayLimiter.defaults(), Acl.ALLOW_ALL);
    HopTestPeer a = peer();
    a.stopAnswer = RelayStatus.CONNECTION_FAILED;
    assertThat(status(get(HopTestPeer.reserve(get(a.connect(relayAddr())))))).isEqualTo(RelayStatus.OK);
    HopTestPeer.Circuit c = get(HopTestPeer.connectVia(get(peer().connect(relayAddr())), a.peerId()));
    assertThat(status(c.answer())).isEqualTo(RelayStatus.CONNECTION_FAILED);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> relay.circuits().isEmpty());
  }

  @Test
  void stopRefusesNewReservationsAndResetsCircuitsAfterTheDrain() throws Exception {
    relay(RelayLimiter.defaults(), Acl.ALLOW_ALL);
    HopTestPeer a = peer();
    assertThat(status(get(HopTestPeer.reserve(get(a.connect(relayAddr())))))).isEqualTo(RelayStatus.OK);
    HopTestPeer.Circuit c = get(HopTestPeer.connectVia(get(peer().connect(relayAddr())), a.peerId()));
    assertThat(status(c.answer())).isEqualTo(RelayStatus.OK);
    CompletableFuture<Void> stopping = relay.stop(Duration.ofMillis(300));
    get(stopping);
    get(c.end().closed);
    assertThat(get(ends)).isEqualTo(CircuitEnd.STOPPED);
    assertThat(relay.circuits()).isEmpty();
    assertThat(relay.reservations()).isEmpty();
    relay = null;
  }
}
