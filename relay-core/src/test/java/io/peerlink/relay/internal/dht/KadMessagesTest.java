package io.peerlink.relay.internal.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.relay.internal.proto.KadProtos.Message;
import io.peerlink.relay.internal.proto.KadProtos.Message.MessageType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class KadMessagesTest {

  private static Message roundTrip(Message m) throws Exception {
    ByteBuf frame = KadMessages.encode(m);
    try {
      return KadMessages.parse(frame, KadMessages.DEFAULT_MAX_MESSAGE_BYTES);
    } finally {
      frame.release();
    }
  }

  @Test
  void everyRequestTypeRoundTrips() throws Exception {
    byte[] key = "/pk/x".getBytes();
    for (MessageType t : List.of(MessageType.FIND_NODE, MessageType.GET_VALUE, MessageType.GET_PROVIDERS)) {
      Message m = roundTrip(KadMessages.request(t, key));
      assertThat(m.getType()).isEqualTo(t);
      assertThat(m.getKey().toByteArray()).isEqualTo(key);
    }
    Message put = roundTrip(KadMessages.putValue(key, new byte[] {1, 2, 3}));
    assertThat(put.getRecord().getKey().toByteArray()).isEqualTo(key);
    assertThat(put.getRecord().getValue().toByteArray()).containsExactly(1, 2, 3);
    assertThat(put.getRecord().getTimeReceived()).endsWith("Z");

    PeerId self = Identity.generate().peerId();
    KadPeer me = new KadPeer(self, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/" + self)));
    Message add = roundTrip(KadMessages.addProvider(key, me));
    assertThat(KadMessages.peers(add.getProviderPeersList())).containsExactly(
        new KadPeer(self, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"))));
  }

  @Test
  void unreadablePeersAndAddressesAreSkippedNotFatal() throws Exception {
    PeerId good = Identity.generate().peerId();
    Message m = Message.newBuilder().setType(MessageType.FIND_NODE)
        .addCloserPeers(Message.Peer.newBuilder().setId(ByteString.copyFrom(new byte[] {9, 9, 9})))
        .addCloserPeers(Message.Peer.newBuilder().setId(ByteString.copyFrom(good.bytes()))
            .addAddrs(ByteString.copyFrom(new byte[] {(byte) 0xff, 1}))
            .addAddrs(ByteString.copyFrom(Multiaddr.parse("/ip4/10.0.0.1/tcp/1").bytes())))
        .build();
    assertThat(KadMessages.peers(roundTrip(m).getCloserPeersList()))
        .containsExactly(new KadPeer(good, List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/1"))));
  }

  @Test
  void peerListsAndAddressesAreCapped() {
    PeerId id = Identity.generate().peerId();
    Message.Peer.Builder many = Message.Peer.newBuilder().setId(ByteString.copyFrom(id.bytes()));
    for (int i = 0; i < KadMessages.MAX_ADDRS_PER_PEER + 5; i++) {
      many.addAddrs(ByteString.copyFrom(Multiaddr.parse("/ip4/10.0.0.1/tcp/" + (i + 1)).bytes()));
    }
    Message.Builder b = Message.newBuilder().setType(MessageType.FIND_NODE);
    for (int i = 0; i < KadMessages.MAX_PEERS_PER_LIST + 5; i++) {
      b.addCloserPeers(many);
    }
    List<KadPeer> peers = KadMessages.peers(b.build().getCloserPeersList());
    assertThat(peers).hasSize(KadMessages.MAX_PEERS_PER_LIST);
    assertThat(peers.get(0).addrs()).hasSize(KadMessages.MAX_ADDRS_PER_PEER);
  }

  @Test
  void malformedBytesAreAProtocolViolation() {
    ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {0x0a, 0x7f, 0x01});
    try {
      assertThatThrownBy(() -> KadMessages.parse(frame, 1024)).isInstanceOf(ProtocolViolationException.class);
    } finally {
      frame.release();
    }
  }

  @Test
  void anUnknownTypeIsAProtocolViolation() {
    ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {0x08, 0x09});
    try {
      assertThatThrownBy(() -> KadMessages.parse(frame, 1024))
          .isInstanceOf(ProtocolViolationException.class).hasMessageContaining("unknown type 9");
    } finally {
      frame.release();
    }
  }

  @Test
  void aMessageOverTheLimitIsRefusedAtTheBoundary() throws Exception {
    Message m = KadMessages.request(MessageType.GET_VALUE, new byte[100]);
    int size = m.getSerializedSize();
    ByteBuf frame = KadMessages.encode(m);
    try {
      assertThat(KadMessages.parse(frame, size).getType()).isEqualTo(MessageType.GET_VALUE);
      assertThatThrownBy(() -> KadMessages.parse(frame, size - 1)).isInstanceOf(LimitExceededException.class);
    } finally {
      frame.release();
    }
  }

  @Test
  void anOversizedLengthPrefixFailsTheStreamBeforeAnyPayloadIsBuffered() {
    EmbeddedChannel ch = new EmbeddedChannel();
    MessageStream<Message> s = KadMessages.stream(ch, 1024);
    CompletableFuture<Message> read = s.read(Duration.ofSeconds(5));
    // uvarint 4 MiB, and no payload at all.
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, 0x02}));
    assertThat(read).isCompletedExceptionally();
    assertThatThrownBy(read::join).hasCauseInstanceOf(LimitExceededException.class);
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void twoRequestsInOneReadAreBothDelivered() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel();
    MessageStream<Message> s = KadMessages.stream(ch, 1024);
    ByteBuf both = Unpooled.buffer();
    for (MessageType t : List.of(MessageType.FIND_NODE, MessageType.PING)) {
      byte[] body = KadMessages.request(t, new byte[] {1}).toByteArray();
      both.writeByte(body.length).writeBytes(body);
    }
    ch.writeInbound(both);
    assertThat(s.read(Duration.ofSeconds(1)).join().getType()).isEqualTo(MessageType.FIND_NODE);
    assertThat(s.read(Duration.ofSeconds(1)).join().getType()).isEqualTo(MessageType.PING);
    ch.finishAndReleaseAll();
  }
}
