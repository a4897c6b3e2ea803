package io.peerlink.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.daemon.internal.proto.ControlProtos.ConnectRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.DHTRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.DHTResponse;
import io.peerlink.daemon.internal.proto.ControlProtos.Request;
import io.peerlink.daemon.internal.proto.ControlProtos.Response;
import io.peerlink.relay.Dht;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DHT requests through the control protocol: daemons started with {@code -dhtServer} on loopback,
 * a chain A - B - C so that A reaches C's records and addresses only through B's answers.
 */
@Timeout(90)
class ControlDhtTest {
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private Daemon dhtServer() {
    DaemonSettings s = DaemonSettings.loopback(Identity.generate());
    Daemon d = Daemon.start(new DaemonSettings(s.control(), s.identity(), s.hostAddrs(), s.announceAddrs(),
        s.noListen(), s.security(), s.relay(), s.echo(), DhtMode.SERVER, s.bootstrapPeers(), s.limits())).join();
    open.add(d);
    return d;
  }

  private ControlClient client(Daemon d) throws Exception {
    ControlClient c = ControlClient.connect(d.controlAddress());
    open.add(c);
    return c;
  }

  private static ByteString id(Daemon d) {
    return ByteString.copyFrom(d.manager().peerId().bytes());
  }

  private void connect(Daemon from, Daemon to) throws Exception {
    Response r = client(from).call(Request.newBuilder().setType(Request.Type.CONNECT).setConnect(ConnectRequest.newBuilder()
        .setPeer(id(to))
        .addAddrs(ByteString.copyFrom(to.manager().listenAddresses().get(0).withoutPeerId().bytes()))).build());
    assertThat(r.getType()).as(r.getError().getMsg()).isEqualTo(Response.Type.OK);
  }

  private static Request dht(DHTRequest.Builder dht) {
    return Request.newBuilder().setType(Request.Type.DHT).setDht(dht).build();
  }

  /** Three servers in a chain, each pair's routing tables filled through identify. */
  private List<Daemon> chain() throws Exception {
    Daemon a = dhtServer();
    Daemon b = dhtServer();
    Daemon c = dhtServer();
    connect(a, b);
    connect(b, c);
    await().atMost(Duration.ofSeconds(20)).until(() -> a.manager().dht().routingTable().size() == 1
        && b.manager().dht().routingTable().size() == 2 && c.manager().dht().routingTable().size() == 1);
    return List.of(a, b, c);
  }

  /** A streamed answer: OK{BEGIN}, bare VALUEs, bare END. */
  private static List<DHTResponse> stream(ControlClient c, Request request) throws Exception {
    Response head = c.call(request);
    assertThat(head.getType()).as(head.getError().getMsg()).isEqualTo(Response.Type.OK);
    assertThat(head.getDht().getType()).isEqualTo(DHTResponse.Type.BEGIN);
    List<DHTResponse> values = new ArrayList<>();
    for (DHTResponse r = DHTResponse.parseDelimitedFrom(c.in); r.getType() != DHTResponse.Type.END;
        r = DHTResponse.parseDelimitedFrom(c.in)) {
      assertThat(r.getType()).isEqualTo(DHTResponse.Type.VALUE);
      values.add(r);
    }
    return values;
  }

  private static byte[] cidV1Raw(String content) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
    byte[] cid = new byte[4 + digest.length];
    cid[0] = 0x01; // CIDv1
    cid[1] = 0x55; // raw
    cid[2] = 0x12; // sha2-256
    cid[3] = 0x20;
    System.arraycopy(digest, 0, cid, 4, digest.length);
    return cid;
  }

  @Test
  void findPeerReturnsTheAddressesAServerKnows() throws Exception {
    List<Daemon> d = chain();
    ControlClient a = client(d.get(0));
    Response r = a.call(dht(DHTRequest.newBuilder().setType(DHTRequest.Type.FIND_PEER).setPeer(id(d.get(2)))));
    assertThat(r.getType()).as(r.getError().getMsg()).isEqualTo(Response.Type.OK);
    assertThat(r.getDht().getType()).isEqualTo(DHTResponse.Type.VALUE);
    assertThat(r.getDht().getPeer().getId()).isEqualTo(id(d.get(2)));
    assertThat(r.getDht().getPeer().getAddrsList()).map(b -> Multiaddr.fromBytes(b.toByteArray()))
        .contains(d.get(2).manager().listenAddresses().get(0).withoutPeerId());
  }

  @Test
  void aPublicKeyRecordPutOnOneEndIsReadOnTheOther() throws Exception {
    List<Daemon> d = chain();
    Identity owner = Identity.generate();
    byte[] key = Dht.publicKeyKey(owner.peerId());
    byte[] value = owner.publicKey().marshal();
    Response put = client(d.get(0)).call(dht(DHTRequest.newBuilder().setType(DHTRequest.Type.PUT_VALUE)
        .setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value))));
    assertThat(put.getType()).as(put.getError().getMsg()).isEqualTo(Response.Type.OK);

    ControlClient c = client(d.get(2));
    Response got = c.call(dht(DHTRequest.newBuilder().setType(DHTRequest.Type.GET_VALUE).setKey(ByteString.copyFrom(key))));
    assertThat(got.getType()).as(got.getError().getMsg()).isEqualTo(Response.Type.OK);
    assertThat(got.getDht().getType()).isEqualTo(DHTResponse.Type.VALUE);
    assertThat(got.getDht().getValue().toByteArray()).isEqualTo(value);

    List<DHTResponse> searched = stream(c, dht(DHTRequest.newBuilder().setType(DHTRequest.Type.SEARCH_VALUE)
        .setKey(ByteString.copyFrom(key))));
    assertThat(searched).singleElement().satisfies(v -> assertThat(v.getValue().toByteArray()).isEqualTo(value));

    // An Ed25519 ID holds its key: GET_PUBLIC_KEY answers it without a lookup.
    Response pk = c.call(dht(DHTRequest.newBuilder().setType(DHTRequest.Type.GET_PUBLIC_KEY)
        .setPeer(ByteString.copyFrom(owner.peerId().bytes()))));
    assertThat(pk.getDht().getValue().toByteArray()).isEqualTo(value);
  }

  @Test
  void providersAndClosestPeersAreStreamedThenTheConnectionReadsOn() throws Exception {
    List<Daemon> d = chain();
    byte[] cid = cidV1Raw("peerlink daemon dht");
    Response provided = client(d.get(0)).call(dht(DHTRequest.newBuilder().setType(DHTRequest.Type.PROVIDE)
        .setCid(ByteString.copyFrom(cid))));
    assertThat(provided.getType()).as(provided.getError().getMsg()).isEqualTo(Response.Type.OK);

    ControlClient c = client(d.get(2));
    List<DHTResponse> providers = stream(c, dht(DHTRequest.newBuilder().setType(DHTRequest.Type.FIND_PROVIDERS)
        .setCid(ByteString.copyFrom(cid)).setCount(1)));
    assertThat(providers).singleElement().satisfies(p -> assertThat(p.getPeer().getId()).isEqualTo(id(d.get(0))));

    List<DHTResponse> closest = stream(c, dht(DHTRequest.newBuilder().setType(DHTRequest.Type.GET_CLOSEST_PEERS)
        .setKey(ByteString.copyFromUtf8("some key"))));
    assertThat(closest).map(v -> PeerId.fromBytes(v.getValue().toByteArray()))
        .contains(d.get(0).manager().peerId(), d.get(1).manager().peerId());

    // The same connection answers the next request.
    Response unsupported = c.call(dht(DHTRequest.newBuilder().setType(DHTRequest.Type.FIND_PEERS_CONNECTED_TO_PEER)
        .setPeer(id(d.get(0)))));
    assertThat(unsupported.getError().getMsg()).isEqualTo("not supported");
  }

  @Test
  void aCidV0AndACidV1OfTheSameContentAreOneProviderKey() throws Exception {
    byte[] v1 = cidV1Raw("x");
    byte[] multihash = Arrays.copyOfRange(v1, 2, v1.length);
    assertThat(CidKeys.multihash(v1)).isEqualTo(multihash);
    assertThat(CidKeys.multihash(multihash)).isEqualTo(multihash);
    assertThatThrownBy(() -> CidKeys.multihash(new byte[] {0x02, 0x55}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
