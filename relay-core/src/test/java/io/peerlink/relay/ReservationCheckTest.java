package io.peerlink.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.peerlink.core.Listener;
import io.peerlink.core.PeerError;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.proto.EnvelopeProtos.Envelope;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.internal.circuit.CircuitMessageReader;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.circuit.ReservationVouchers;
import io.peerlink.relay.internal.client.RelayClient;
import io.peerlink.relay.internal.proto.CircuitProtos;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import io.peerlink.relay.internal.proto.CircuitProtos.ReservationVoucher;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the client accepts as a reservation, against a scripted relay that answers RESERVE with a
 * crafted message: vouchers are verified as go does, and then some.
 */
class ReservationCheckTest {
  private final Identity relayId = Identity.generate();
  private final Identity self = Identity.generate();
  private Listener relay;
  private Listener peer;
  private RelayClient client;
  private volatile Function<PeerId, HopMessage> answer;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    if (peer != null) {
      peer.close();
    }
    if (relay != null) {
      relay.close();
    }
  }

  private Reservation reserve(Function<PeerId, HopMessage> script, RelayClientConfig config) throws Throwable {
    answer = script;
    relay = Listener.builder(relayId).listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .handler(CircuitMessages.HOP_PROTOCOL, stream -> {
          CircuitMessageReader.addHopReader(stream.channel().pipeline());
          stream.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              HopMessage a = answer.apply(stream.peer().peerId());
              ctx.writeAndFlush(CircuitMessages.encode(ctx.alloc(), a)).addListener(ChannelFutureListener.CLOSE);
            }
          });
        }).build().start().get(10, TimeUnit.SECONDS);
    peer = Listener.builder(self).listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).build().start().get(10, TimeUnit.SECONDS);
    client = RelayClient.create(peer, config);
    CompletableFuture<Reservation> f = client.reserve(relay.listenAddresses().get(0));
    try {
      return f.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause();
    }
  }

  private Reservation reserve(Function<PeerId, HopMessage> script) throws Throwable {
    return reserve(script, RelayClientConfig.defaults());
  }

  private static long in(long seconds) {
    return Instant.now().getEpochSecond() + seconds;
  }

  private static HopMessage ok(long expire, byte[] voucher) {
    CircuitProtos.Reservation.Builder r =
        CircuitProtos.Reservation.newBuilder().setExpire(expire);
    if (voucher != null) {
      r.setVoucher(ByteString.copyFrom(voucher));
    }
    return CircuitMessages.hopStatus(RelayStatus.OK, r.build(), null);
  }

  private void refused(Function<PeerId, HopMessage> script, String why) {
    assertThatThrownBy(() -> reserve(script))
        .isInstanceOf(RelayException.class)
        .hasMessageContaining(why)
        .satisfies(e -> assertThat(((RelayException) e).kind()).isEqualTo(PeerError.PROTOCOL));
  }

  @Test
  void aValidVoucherIsAccepted() throws Throwable {
    long exp = in(3600);
    Reservation r = reserve(p -> ok(exp, ReservationVouchers.seal(relayId, p, exp)));
    assertThat(r.expiration()).isEqualTo(Instant.ofEpochSecond(exp));
    assertThat(r.voucher()).isNotNull();
    // The relay gave no addresses: it is reachable where we reached it.
    assertThat(r.addrs()).containsExactly(
        relay.listenAddresses().get(0).encapsulate(Multiaddr.parse("/p2p-circuit")).withPeerId(self.peerId()));
  }

  @Test
  void aTamperedVoucherIsRefused() {
    long exp = in(3600);
    refused(p -> {
      try {
        Envelope env = Envelope.parseFrom(ReservationVouchers.seal(relayId, p, exp));
        ReservationVoucher v = ReservationVoucher.parseFrom(env.getPayload()).toBuilder().setExpiration(exp + 1).build();
        return ok(exp, env.toBuilder().setPayload(v.toByteString()).build().toByteArray());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "signature");
  }

  @Test
  void anExpiredVoucherIsRefused() {
    refused(p -> ok(in(3600), ReservationVouchers.seal(relayId, p, in(-60))), "expired");
  }

  @Test
  void aReservationExpiringInThePastIsRefused() {
    refused(p -> ok(in(-10), null), "in the past");
  }

  @Test
  void aVoucherForAnotherPeerIsRefused() {
    refused(p -> ok(in(3600), ReservationVouchers.seal(relayId, Identity.generate().peerId(), in(3600))), "not us");
  }

  @Test
  void aVoucherSignedByAnotherRelayIsRefused() {
    refused(p -> ok(in(3600), ReservationVouchers.seal(Identity.generate(), p, in(3600))), "not " + relayId.peerId());
  }

  @Test
  void aMissingVoucherIsAcceptedUnlessRequired() throws Throwable {
    assertThat(reserve(p -> ok(in(3600), null)).voucher()).isNull();
    close();
    assertThatThrownBy(() -> reserve(p -> ok(in(3600), null), RelayClientConfig.builder().requireVoucher(true).build()))
        .isInstanceOf(RelayException.class).hasMessageContaining("no voucher");
  }

  @Test
  void anOkWithoutReservationIsRefused() {
    refused(p -> CircuitMessages.hopStatus(RelayStatus.OK, null, null), "no reservation");
  }

  @Test
  void aRefusalCarriesTheRelaysStatus() {
    assertThatThrownBy(() -> reserve(p -> CircuitMessages.hopStatus(RelayStatus.RESERVATION_REFUSED, null, null)))
        .isInstanceOf(RelayException.class)
        .satisfies(e -> {
          RelayException re = (RelayException) e;
          assertThat(re.statusCode()).isEqualTo(200);
          assertThat(re.statusName()).isEqualTo("RESERVATION_REFUSED");
          assertThat(re.kind()).isEqualTo(PeerError.LIMIT);
        });
  }

  @Test
  void anExpiryFarInTheFutureIsTakenAsTheLongestLifetimeAndNotRefreshedInALoop() throws Throwable {
    AtomicInteger requests = new AtomicInteger();
    long never = -1L; // 2^64 - 1 seconds as the unsigned wire value
    Reservation r = reserve(p -> {
      requests.incrementAndGet();
      return ok(never, ReservationVouchers.seal(relayId, p, never));
    });
    Instant now = Instant.now();
    Duration longest = RelayClientConfig.defaults().maxReservationLifetime();
    assertThat(r.expiration()).isAfter(now.plus(longest).minusSeconds(60))
        .isBeforeOrEqualTo(now.plus(longest).plusSeconds(1));
    // Before the fix it expired "in 1969" and was refreshed every second.
    await("no refresh of a reservation held for hours").during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5)).until(() -> requests.get() == 1);
  }

  @Test
  void aReservationExpiringNowIsRefused() {
    refused(p -> ok(Instant.now().getEpochSecond(), null), "in the past");
  }
}
