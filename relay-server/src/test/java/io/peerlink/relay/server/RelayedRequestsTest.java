package io.peerlink.relay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Connector;
import io.peerlink.core.Direction;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.internal.circuit.CircuitMessageReader;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import io.peerlink.relay.internal.proto.CircuitProtos.StopMessage;
import io.peerlink.testing.JsPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hop requests that reach the peerlink relay over a relayed connection are refused with
 * PERMISSION_DENIED. The relayed connection is real: the peerlink relay R reserves a slot on a
 * js-libp2p relay, and a peerlink peer X reaches R through that js relay and upgrades the circuit
 * into a full connection (Noise, yamux) before sending RESERVE and CONNECT over it.
 */
class RelayedRequestsTest {
  private static final Duration T = Duration.ofSeconds(60);
  private static final PeerConfig NOISE =
      PeerConfig.builder().securityProtocols(List.of(SecurityProtocol.NOISE)).build();

  private final List<AutoCloseable> closers = new ArrayList<>();
  private RelayServer relay;

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
    return f.get(30, TimeUnit.SECONDS);
  }

  private static RelayStatus status(HopMessage m) {
    assertThat(m.getType()).isEqualTo(HopMessage.Type.STATUS);
    return CircuitMessages.fromProto(m.getStatus());
  }

  @Test
  void requestsOverARelayedConnectionAreRefused() throws Exception {
    JsPeer jsRelay = JsPeer.start("--relay-server", "--relay-unlimited", "--security", "noise");
    closers.add(jsRelay);
    Multiaddr jsRelayAddr = Multiaddr.parse(jsRelay.addr());

    relay = RelayServer.builder(Identity.generate())
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
        .peerConfig(NOISE)
        .publicAddressFilter(AddressFilter.everything())
        .build();
    get(relay.start());
    // R takes a slot on the js relay and accepts circuits from it as relayed connections.
    Connector relayDialer = Connector.sharing(relay.listener())
        .handler(CircuitMessages.STOP_PROTOCOL, s -> acceptCircuit(relay.listener(), s.channel()))
        .build();
    closers.add(relayDialer);
    Peer rToJs = get(relayDialer.connect(jsRelayAddr));
    assertThat(status(get(HopTestPeer.reserve(rToJs)))).isEqualTo(RelayStatus.OK);

    // X reaches R through the js relay.
    Listener x = Listener.builder(Identity.generate()).config(NOISE)
        .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).build();
    get(x.start());
    closers.add(x);
    Connector xDialer = Connector.sharing(x).build();
    closers.add(xDialer);
    Peer xToJs = get(xDialer.connect(jsRelayAddr));
    Peer xToR = get(dialThrough(x, xToJs, relay.peerId()));
    assertThat(xToR.path()).isEqualTo(ConnectionPath.RELAYED);
    assertThat(xToR.peerId()).isEqualTo(relay.peerId());
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(() -> relay.listener().peers().stream()
            .anyMatch(p -> p.peerId().equals(x.peerId()) && p.path() == ConnectionPath.RELAYED));

    // Over it, both kinds of hop request are refused.
    assertThat(status(get(HopTestPeer.reserve(xToR)))).isEqualTo(RelayStatus.PERMISSION_DENIED);
    assertThat(status(get(HopTestPeer.connectVia(xToR, PeerId.parse(jsRelay.peerId()))).answer()))
        .isEqualTo(RelayStatus.PERMISSION_DENIED);
    assertThat(relay.reservations()).isEmpty();
    // The same requests from X directly are served: the refusal is about the path, not the peer.
    Peer xDirect = get(xDialer.connect(relay.listener().listenAddresses().get(0).withPeerId(relay.peerId())));
    assertThat(xDirect.path()).isEqualTo(ConnectionPath.DIRECT);
    assertThat(status(get(HopTestPeer.reserve(xDirect)))).isEqualTo(RelayStatus.OK);
  }

  /** The stop side: answer OK, then upgrade the stream into an inbound relayed connection. */
  private static void acceptCircuit(Listener host, Channel stop) {
    CircuitMessageReader.addStopReader(stop.pipeline());
    stop.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof StopMessage m) || m.getType() != StopMessage.Type.CONNECT) {
          ReferenceCountUtil.release(msg);
          ctx.close();
          return;
        }
        ctx.writeAndFlush(CircuitMessages.encode(ctx.alloc(), CircuitMessages.stopStatus(RelayStatus.OK)));
        Host.of(host).upgrade(ctx.channel(), Direction.INBOUND, null, ConnectionPath.RELAYED, null, null);
        ctx.pipeline().remove(this);
      }
    });
  }

  /** The hop side: CONNECT to {@code target} through {@code relay}, then upgrade the stream. */
  private static CompletableFuture<Peer> dialThrough(Listener host, Peer relay, PeerId target) {
    CompletableFuture<Peer> result = new CompletableFuture<>();
    relay.newStream(CircuitMessages.HOP_PROTOCOL, s -> {
      Channel ch = s.channel();
      CircuitMessageReader.addHopReader(ch.pipeline());
      ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          if (!(msg instanceof HopMessage m) || CircuitMessages.fromProto(m.getStatus()) != RelayStatus.OK) {
            ReferenceCountUtil.release(msg);
            result.completeExceptionally(new AssertionError("CONNECT through the relay refused: " + msg));
            ctx.close();
            return;
          }
          Host.of(host).upgrade(ctx.channel(), Direction.OUTBOUND, target, ConnectionPath.RELAYED, null, null).whenComplete((p, e) -> {
            if (e != null) {
              result.completeExceptionally(e);
            } else {
              result.complete(p);
            }
          });
          ctx.pipeline().remove(this);
        }
      });
      ch.writeAndFlush(CircuitMessages.encode(ch.alloc(), CircuitMessages.hopConnect(target)));
    }).exceptionally(e -> {
      result.completeExceptionally(e);
      return null;
    });
    return result;
  }
}
