package io.peerlink.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.peerlink.core.Echo;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.daemon.internal.proto.ControlProtos.ConnManagerRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.ConnectRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.DHTRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.DisconnectRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.PeerstoreRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.Request;
import io.peerlink.daemon.internal.proto.ControlProtos.Response;
import io.peerlink.daemon.internal.proto.ControlProtos.StreamHandlerRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.StreamInfo;
import io.peerlink.daemon.internal.proto.ControlProtos.StreamOpenRequest;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The control protocol end to end: real daemons on loopback, a plain socket as the client. */
@Timeout(60)
class ControlProtocolTest {
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private Daemon daemon(ControlLimits limits) {
    DaemonSettings s = DaemonSettings.loopback(Identity.generate());
    return daemon(new DaemonSettings(s.control(), s.identity(), s.hostAddrs(), s.announceAddrs(),
        s.noListen(), s.security(), s.relay(), s.echo(), s.dht(), s.bootstrapPeers(), limits));
  }

  private Daemon daemon(DaemonSettings settings) {
    Daemon d = Daemon.start(settings).join();
    open.add(d);
    return d;
  }

  private ControlClient client(Daemon d) throws Exception {
    ControlClient c = ControlClient.connect(d.controlAddress());
    open.add(c);
    return c;
  }

  private static Request.Builder request(Request.Type type) {
    return Request.newBuilder().setType(type);
  }

  private static ByteString id(Daemon d) {
    return ByteString.copyFrom(d.manager().peerId().bytes());
  }

  private void connect(Daemon from, Daemon to) throws Exception {
    Response r = client(from).call(request(Request.Type.CONNECT).setConnect(ConnectRequest.newBuilder()
        .setPeer(id(to))
        .addAddrs(ByteString.copyFrom(to.manager().listenAddresses().get(0).withoutPeerId().bytes()))).build());
    assertThat(r.getType()).as(r.getError().getMsg()).isEqualTo(Response.Type.OK);
  }

  @Test
  void identifyAnswersThePeerIdAndListenAddresses() throws Exception {
    Daemon d = daemon(ControlLimits.DEFAULTS);
    Response r = client(d).call(request(Request.Type.IDENTIFY).build());
    assertThat(r.getType()).isEqualTo(Response.Type.OK);
    assertThat(PeerId.fromBytes(r.getIdentify().getId().toByteArray())).isEqualTo(d.manager().peerId());
    assertThat(r.getIdentify().getAddrsList()).map(b -> Multiaddr.fromBytes(b.toByteArray()))
        .containsExactlyElementsOf(d.manager().listenAddresses().stream().map(Multiaddr::withoutPeerId).toList());
  }

  @Test
  void connectListPeersAndDisconnect() throws Exception {
    Daemon a = daemon(ControlLimits.DEFAULTS);
    Daemon b = daemon(ControlLimits.DEFAULTS);
    assertThat(client(a).call(request(Request.Type.LIST_PEERS).build()).getPeersList()).isEmpty();
    connect(a, b);
    Response peers = client(a).call(request(Request.Type.LIST_PEERS).build());
    assertThat(peers.getPeersList()).hasSize(1);
    assertThat(peers.getPeers(0).getId()).isEqualTo(id(b));
    assertThat(peers.getPeers(0).getAddrsCount()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        client(b).call(request(Request.Type.LIST_PEERS).build()).getPeersCount() == 1);

    Response bye = client(a).call(request(Request.Type.DISCONNECT)
        .setDisconnect(DisconnectRequest.newBuilder().setPeer(id(b))).build());
    assertThat(bye.getType()).isEqualTo(Response.Type.OK);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        client(a).call(request(Request.Type.LIST_PEERS).build()).getPeersCount() == 0);
  }

  @Test
  void connectToAnUnreachableAddressAnswersError() throws Exception {
    Daemon a = daemon(ControlLimits.DEFAULTS);
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Response r = client(a).call(request(Request.Type.CONNECT).setConnect(ConnectRequest.newBuilder()
        .setPeer(ByteString.copyFrom(PeerId.fromPublicKey(Identity.generate().publicKey()).bytes()))
        .addAddrs(ByteString.copyFrom(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + closedPort).bytes()))
        .setTimeout(5)).build());
    assertThat(r.getType()).isEqualTo(Response.Type.ERROR);
    assertThat(r.getError().getMsg()).contains("failed to connect");
  }

  @Test
  void streamOpenTurnsTheSocketIntoTheStream() throws Exception {
    Daemon a = daemon(ControlLimits.DEFAULTS);
    Daemon b = daemon(ControlLimits.DEFAULTS);
    connect(a, b);
    ControlClient c = client(a);
    Response r = c.call(request(Request.Type.STREAM_OPEN).setStreamOpen(StreamOpenRequest.newBuilder()
        .setPeer(id(b)).addProto(Echo.PROTOCOL_ID)).build());
    assertThat(r.getType()).as(r.getError().getMsg()).isEqualTo(Response.Type.OK);
    assertThat(r.getStreamInfo().getProto()).isEqualTo(Echo.PROTOCOL_ID);
    assertThat(r.getStreamInfo().getPeer()).isEqualTo(id(b));

    // 8 MiB through b's echo and back: far more than any window or buffer on the way.
    byte[] payload = new byte[8 << 20];
    new Random(1).nextBytes(payload);
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try {
        c.out.write(payload);
        c.out.flush();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    byte[] back = c.in.readNBytes(payload.length);
    writer.join();
    assertThat(Arrays.equals(back, payload)).as("echoed bytes equal").isTrue();
  }

  @Test
  void aFailedStreamOpenLeavesTheConnectionReadingRequests() throws Exception {
    Daemon a = daemon(ControlLimits.DEFAULTS);
    Daemon b = daemon(ControlLimits.DEFAULTS);
    ControlClient c = client(a);
    Response notConnected = c.call(request(Request.Type.STREAM_OPEN).setStreamOpen(StreamOpenRequest.newBuilder()
        .setPeer(id(b)).addProto(Echo.PROTOCOL_ID)).build());
    assertThat(notConnected.getType()).isEqualTo(Response.Type.ERROR);
    assertThat(notConnected.getError().getMsg()).contains("no connection");
    connect(a, b);
    Response unserved = c.call(request(Request.Type.STREAM_OPEN).setStreamOpen(StreamOpenRequest.newBuilder()
        .setPeer(id(b)).addProto("/nobody/1.0.0")).build());
    assertThat(unserved.getType()).isEqualTo(Response.Type.ERROR);
    assertThat(c.call(request(Request.Type.IDENTIFY).build()).getType()).isEqualTo(Response.Type.OK);
  }

  @Test
  void aClientThatGoesAwayClosesItsStream() throws Exception {
    Daemon a = daemon(ControlLimits.DEFAULTS);
    Daemon b = daemon(ControlLimits.DEFAULTS);
    connect(a, b);
    ControlClient c = ControlClient.connect(a.controlAddress());
    Response r = c.call(request(Request.Type.STREAM_OPEN).setStreamOpen(StreamOpenRequest.newBuilder()
        .setPeer(id(b)).addProto(Echo.PROTOCOL_ID)).build());
    assertThat(r.getType()).isEqualTo(Response.Type.OK);
    await().atMost(Duration.ofSeconds(10)).until(() -> openStreams(b) == 1);
    c.close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      // The one left is the client that sent CONNECT, still open.
      assertThat(a.controlConnections()).as("control connections").isEqualTo(1);
      assertThat(openStreams(a)).as("streams on a").isZero();
      assertThat(openStreams(b)).as("streams on b").isZero();
    });
  }

  private static int openStreams(Daemon d) {
    return d.manager().peers().stream().mapToInt(p -> p.openStreams()).sum();
  }

  @Test
  void streamHandlerDialsBackWithStreamInfoAndPipes() throws Exception {
    Daemon a = daemon(ControlLimits.DEFAULTS);
    Daemon b = daemon(ControlLimits.DEFAULTS);
    connect(b, a);
    try (ServerSocket handler = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Multiaddr addr = Multiaddr.fromSocketAddress((InetSocketAddress) handler.getLocalSocketAddress());
      Response reg = client(a).call(request(Request.Type.STREAM_HANDLER).setStreamHandler(StreamHandlerRequest
          .newBuilder().setAddr(ByteString.copyFrom(addr.bytes())).addProto("/test/1.0.0")).build());
      assertThat(reg.getType()).isEqualTo(Response.Type.OK);
      assertThat(a.registeredHandlers()).isEqualTo(1);

      ControlClient opener = client(b);
      Response r = opener.call(request(Request.Type.STREAM_OPEN).setStreamOpen(StreamOpenRequest.newBuilder()
          .setPeer(id(a)).addProto("/test/1.0.0")).build());
      assertThat(r.getType()).as(r.getError().getMsg()).isEqualTo(Response.Type.OK);
      opener.out.write("ping".getBytes());
      opener.out.flush();

      try (Socket dialled = handler.accept()) {
        InputStream in = dialled.getInputStream();
        StreamInfo info = StreamInfo.parseDelimitedFrom(in);
        assertThat(info.getPeer()).isEqualTo(id(b));
        assertThat(info.getProto()).isEqualTo("/test/1.0.0");
        assertThat(Multiaddr.fromBytes(info.getAddr().toByteArray()).toSocketAddress()).isPresent();
        assertThat(new String(in.readNBytes(4))).isEqualTo("ping");
        dialled.getOutputStream().write("pong".getBytes());
        dialled.getOutputStream().flush();
        assertThat(new String(opener.in.readNBytes(4))).isEqualTo("pong");
      }
    }
  }

  @Test
  void eightMebibytesThroughAHandlerAndBack() throws Exception {
    Daemon a = daemon(ControlLimits.DEFAULTS);
    Daemon b = daemon(ControlLimits.DEFAULTS);
    connect(b, a);
    try (ServerSocket handler = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Multiaddr addr = Multiaddr.fromSocketAddress((InetSocketAddress) handler.getLocalSocketAddress());
      client(a).call(request(Request.Type.STREAM_HANDLER).setStreamHandler(StreamHandlerRequest.newBuilder()
          .setAddr(ByteString.copyFrom(addr.bytes())).addProto("/mirror/1.0.0")).build());
      // The handler's client: reads the StreamInfo, then sends back every byte it gets.
      CompletableFuture<Void> mirror = CompletableFuture.runAsync(() -> {
        try (Socket s = handler.accept()) {
          StreamInfo.parseDelimitedFrom(s.getInputStream());
          s.getInputStream().transferTo(s.getOutputStream());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      ControlClient c = client(b);
      Response r = c.call(request(Request.Type.STREAM_OPEN).setStreamOpen(StreamOpenRequest.newBuilder()
          .setPeer(id(a)).addProto("/mirror/1.0.0")).build());
      assertThat(r.getType()).as(r.getError().getMsg()).isEqualTo(Response.Type.OK);
      byte[] payload = new byte[8 << 20];
      new Random(2).nextBytes(payload);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          c.out.write(payload);
          c.out.flush();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      byte[] back = c.in.readNBytes(payload.length);
      writer.join();
      assertThat(Arrays.equals(back, payload)).as("mirrored bytes equal").isTrue();
      // Closing our side ends the stream, the handler's socket, and so the mirror.
      c.close();
      mirror.get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aHandlerWhoseClientIsGoneIsDropped() throws Exception {
    Daemon a = daemon(ControlLimits.DEFAULTS);
    Daemon b = daemon(ControlLimits.DEFAULTS);
    connect(b, a);
    Multiaddr gone;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      gone = Multiaddr.fromSocketAddress((InetSocketAddress) s.getLocalSocketAddress());
    }
    client(a).call(request(Request.Type.STREAM_HANDLER).setStreamHandler(StreamHandlerRequest.newBuilder()
        .setAddr(ByteString.copyFrom(gone.bytes())).addProto("/gone/1.0.0")).build());
    assertThat(a.registeredHandlers()).isEqualTo(1);
    ControlClient opener = client(b);
    opener.call(request(Request.Type.STREAM_OPEN).setStreamOpen(StreamOpenRequest.newBuilder()
        .setPeer(id(a)).addProto("/gone/1.0.0")).build());
    await().atMost(Duration.ofSeconds(15)).until(() -> a.registeredHandlers() == 0);
    // The reset stream ends the opener's socket.
    assertThat(opener.in.read()).isEqualTo(-1);
  }

  @Test
  void handlersBeyondTheLimitAreRefused() throws Exception {
    Daemon d = daemon(ControlLimits.DEFAULTS.withMaxHandlers(1));
    ByteString addr = ByteString.copyFrom(Multiaddr.parse("/ip4/127.0.0.1/tcp/9").bytes());
    Response first = client(d).call(request(Request.Type.STREAM_HANDLER).setStreamHandler(
        StreamHandlerRequest.newBuilder().setAddr(addr).addProto("/one/1.0.0")).build());
    assertThat(first.getType()).isEqualTo(Response.Type.OK);
    Response again = client(d).call(request(Request.Type.STREAM_HANDLER).setStreamHandler(
        StreamHandlerRequest.newBuilder().setAddr(addr).addProto("/one/1.0.0")).build());
    assertThat(again.getType()).as("re-registering replaces, within the limit").isEqualTo(Response.Type.OK);
    Response second = client(d).call(request(Request.Type.STREAM_HANDLER).setStreamHandler(
        StreamHandlerRequest.newBuilder().setAddr(addr).addProto("/two/1.0.0")).build());
    assertThat(second.getError().getMsg()).contains("too many stream handlers");
  }

  @Test
  void streamsBeyondTheLimitPerHandlerAreReset() throws Exception {
    Daemon a = daemon(ControlLimits.DEFAULTS.withMaxStreamsPerHandler(1));
    Daemon b = daemon(ControlLimits.DEFAULTS);
    connect(b, a);
    try (ServerSocket handler = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Multiaddr addr = Multiaddr.fromSocketAddress((InetSocketAddress) handler.getLocalSocketAddress());
      client(a).call(request(Request.Type.STREAM_HANDLER).setStreamHandler(StreamHandlerRequest.newBuilder()
          .setAddr(ByteString.copyFrom(addr.bytes())).addProto("/one/1.0.0")).build());
      ControlClient first = client(b);
      first.call(request(Request.Type.STREAM_OPEN).setStreamOpen(StreamOpenRequest.newBuilder()
          .setPeer(id(a)).addProto("/one/1.0.0")).build());
      try (Socket piped = handler.accept()) {
        assertThat(StreamInfo.parseDelimitedFrom(piped.getInputStream()).getProto()).isEqualTo("/one/1.0.0");
        ControlClient second = client(b);
        second.call(request(Request.Type.STREAM_OPEN).setStreamOpen(StreamOpenRequest.newBuilder()
            .setPeer(id(a)).addProto("/one/1.0.0")).build());
        second.out.write(1);
        second.out.flush();
        assertThat(second.in.read()).as("the second stream is reset").isEqualTo(-1);
        // The first still works.
        first.out.write(7);
        first.out.flush();
        assertThat(piped.getInputStream().read()).isEqualTo(7);
      }
    }
  }

  @Test
  void malformedRequestAnswersErrorAndTheConnectionStaysUsable() throws Exception {
    Daemon d = daemon(ControlLimits.DEFAULTS);
    ControlClient c = client(d);
    c.sendRaw(3, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    Response bad = Response.parseDelimitedFrom(c.in);
    assertThat(bad.getType()).isEqualTo(Response.Type.ERROR);
    assertThat(bad.getError().getMsg()).contains("malformed request");
    assertThat(c.call(request(Request.Type.IDENTIFY).build()).getType()).isEqualTo(Response.Type.OK);
  }

  @Test
  void unknownRequestTypeAnswersErrorAndTheConnectionStaysUsable() throws Exception {
    Daemon d = daemon(ControlLimits.DEFAULTS);
    ControlClient c = client(d);
    c.sendRaw(2, new byte[] {0x08, 42}); // type = 42
    Response bad = Response.parseDelimitedFrom(c.in);
    assertThat(bad.getType()).isEqualTo(Response.Type.ERROR);
    assertThat(bad.getError().getMsg()).contains("unknown request type");
    assertThat(c.call(request(Request.Type.LIST_PEERS).build()).getType()).isEqualTo(Response.Type.OK);
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    Daemon d = daemon(ControlLimits.DEFAULTS);
    ControlClient c = client(d);
    java.io.ByteArrayOutputStream both = new java.io.ByteArrayOutputStream();
    request(Request.Type.IDENTIFY).build().writeDelimitedTo(both);
    request(Request.Type.PUBSUB).build().writeDelimitedTo(both);
    request(Request.Type.LIST_PEERS).build().writeDelimitedTo(both);
    c.out.write(both.toByteArray());
    c.out.flush();
    assertThat(Response.parseDelimitedFrom(c.in).hasIdentify()).isTrue();
    assertThat(Response.parseDelimitedFrom(c.in).getType()).isEqualTo(Response.Type.ERROR);
    Response third = Response.parseDelimitedFrom(c.in);
    assertThat(third.getType()).isEqualTo(Response.Type.OK);
    assertThat(third.hasIdentify()).isFalse();
  }

  @Test
  void oversizedRequestAnswersErrorBeforeBufferingAndCloses() throws Exception {
    Daemon d = daemon(ControlLimits.DEFAULTS.withMaxMessageBytes(1024));
    ControlClient c = client(d);
    // Announces 1 GiB and sends 10 bytes of it: the answer comes without waiting for the rest.
    c.sendRaw(1L << 30, new byte[10]);
    Response r = Response.parseDelimitedFrom(c.in);
    assertThat(r.getType()).isEqualTo(Response.Type.ERROR);
    assertThat(r.getError().getMsg()).contains("1024");
    assertThat(c.in.read()).isEqualTo(-1);
  }

  @Test
  void pubsubAndDhtAnswerErrors() throws Exception {
    Daemon d = daemon(ControlLimits.DEFAULTS);
    ControlClient c = client(d);
    Response ps = c.call(request(Request.Type.PUBSUB).build());
    assertThat(ps.getType()).isEqualTo(Response.Type.ERROR);
    assertThat(ps.getError().getMsg()).contains("pubsub");
    for (DHTRequest.Type t : DHTRequest.Type.values()) {
      Response dht = c.call(request(Request.Type.DHT).setDht(DHTRequest.newBuilder().setType(t)).build());
      assertThat(dht.getError().getMsg()).isEqualTo(DhtRequests.NOT_ENABLED);
    }
  }

  @Test
  void connManagerTagsProtectPeers() throws Exception {
    Daemon d = daemon(ControlLimits.DEFAULTS);
    ControlClient c = client(d);
    PeerId peer = PeerId.fromPublicKey(Identity.generate().publicKey());
    ByteString pid = ByteString.copyFrom(peer.bytes());
    Response empty = c.call(request(Request.Type.CONNMANAGER).setConnManager(ConnManagerRequest.newBuilder()
        .setType(ConnManagerRequest.Type.TAG_PEER).setPeer(pid).setTag("")).build());
    assertThat(empty.getType()).isEqualTo(Response.Type.ERROR);
    Response tag = c.call(request(Request.Type.CONNMANAGER).setConnManager(ConnManagerRequest.newBuilder()
        .setType(ConnManagerRequest.Type.TAG_PEER).setPeer(pid).setTag("keep").setWeight(10)).build());
    assertThat(tag.getType()).isEqualTo(Response.Type.OK);
    Host host = Host.of(d.manager().listener());
    assertThat(host.isProtected(peer)).isTrue();
    c.call(request(Request.Type.CONNMANAGER).setConnManager(ConnManagerRequest.newBuilder()
        .setType(ConnManagerRequest.Type.UNTAG_PEER).setPeer(pid).setTag("keep")).build());
    assertThat(host.isProtected(peer)).isFalse();
    assertThat(c.call(request(Request.Type.CONNMANAGER).setConnManager(ConnManagerRequest.newBuilder()
        .setType(ConnManagerRequest.Type.TRIM)).build()).getType()).isEqualTo(Response.Type.OK);
  }

  @Test
  void peerstoreAnswersFromConnectedPeersIdentify() throws Exception {
    Daemon a = daemon(ControlLimits.DEFAULTS);
    Daemon b = daemon(ControlLimits.DEFAULTS);
    connect(a, b);
    ControlClient c = client(a);
    await().atMost(Duration.ofSeconds(10)).until(() -> c.call(request(Request.Type.PEERSTORE)
        .setPeerStore(PeerstoreRequest.newBuilder().setType(PeerstoreRequest.Type.GET_PROTOCOLS).setId(id(b)))
        .build()).getPeerStore().getProtosList().contains(Echo.PROTOCOL_ID));
    Response info = c.call(request(Request.Type.PEERSTORE).setPeerStore(PeerstoreRequest.newBuilder()
        .setType(PeerstoreRequest.Type.GET_PEER_INFO).setId(id(b))).build());
    assertThat(info.getPeerStore().getPeer().getId()).isEqualTo(id(b));
    assertThat(info.getPeerStore().getPeer().getAddrsCount()).isPositive();
    Response unknown = c.call(request(Request.Type.PEERSTORE).setPeerStore(PeerstoreRequest.newBuilder()
        .setType(PeerstoreRequest.Type.GET_PEER_INFO)
        .setId(ByteString.copyFrom(PeerId.fromPublicKey(Identity.generate().publicKey()).bytes()))).build());
    assertThat(unknown.getType()).isEqualTo(Response.Type.ERROR);
  }

  @Test
  void peerInfoComesFromTheAddressBookAndOutlivesTheConnection() throws Exception {
    Daemon a = daemon(ControlLimits.DEFAULTS);
    Daemon b = daemon(ControlLimits.DEFAULTS);
    connect(a, b);
    ControlClient c = client(a);
    Multiaddr bListens = b.manager().listener().listenAddresses().get(0).withoutPeerId();
    await().atMost(Duration.ofSeconds(10)).until(() ->
        Host.of(a.manager().listener()).addressBook().addresses(b.manager().peerId()).contains(bListens));
    assertThat(c.call(request(Request.Type.DISCONNECT)
        .setDisconnect(DisconnectRequest.newBuilder().setPeer(id(b))).build()).getType()).isEqualTo(Response.Type.OK);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        c.call(request(Request.Type.LIST_PEERS).build()).getPeersCount() == 0);

    // No connection is left; the address book still knows where b listens (go's peerstore does too).
    Response info = c.call(request(Request.Type.PEERSTORE).setPeerStore(PeerstoreRequest.newBuilder()
        .setType(PeerstoreRequest.Type.GET_PEER_INFO).setId(id(b))).build());
    assertThat(info.getType()).isEqualTo(Response.Type.OK);
    assertThat(info.getPeerStore().getPeer().getAddrsList())
        .contains(ByteString.copyFrom(bListens.bytes()));
  }

  @Test
  void controlConnectionsBeyondTheLimitAreRefusedWithError() throws Exception {
    Daemon d = daemon(ControlLimits.DEFAULTS.withMaxControlConnections(1));
    ControlClient first = client(d);
    assertThat(first.call(request(Request.Type.IDENTIFY).build()).getType()).isEqualTo(Response.Type.OK);
    ControlClient second = client(d);
    Response r = Response.parseDelimitedFrom(second.in);
    assertThat(r.getError().getMsg()).contains("too many control connections");
    assertThat(first.call(request(Request.Type.IDENTIFY).build()).getType()).isEqualTo(Response.Type.OK);
  }

  @Test
  void controlSocketOnAUnixPath(@TempDir Path dir) throws Exception {
    DaemonSettings s = DaemonSettings.loopback(Identity.generate());
    ControlAddress unix = ControlAddress.parse("/unix" + dir.resolve("p2pd.sock"));
    Daemon d = daemon(new DaemonSettings(unix, s.identity(), s.hostAddrs(), s.announceAddrs(),
        s.noListen(), s.security(), s.relay(), s.echo(), s.dht(), s.bootstrapPeers(), s.limits()));
    assertThat(d.controlAddress().toString()).isEqualTo("/unix" + dir.resolve("p2pd.sock"));
    Response r = client(d).call(request(Request.Type.IDENTIFY).build());
    assertThat(r.getType()).isEqualTo(Response.Type.OK);
    // A second daemon on the same path must not take a live daemon's socket away.
    assertThat(Daemon.start(new DaemonSettings(unix, Identity.generate(), s.hostAddrs(), s.announceAddrs(),
        s.noListen(), s.security(), s.relay(), s.echo(), s.dht(), s.bootstrapPeers(), s.limits())))
        .failsWithin(Duration.ofSeconds(30));
    assertThat(client(d).call(request(Request.Type.IDENTIFY).build()).getType()).isEqualTo(Response.Type.OK);
    d.close();
    open.remove(d);
    assertThat(Files.exists(dir.resolve("p2pd.sock"))).isFalse();
  }
}
