package io.peerlink.relay.internal.dht;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.peerlink.core.PeerException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.core.spi.ProtobufFrames;
import io.peerlink.relay.internal.proto.KadProtos.Message;
import io.peerlink.relay.internal.proto.KadProtos.Message.MessageType;
import io.peerlink.relay.internal.proto.KadProtos.Record;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kademlia DHT's one message ({@code /ipfs/kad/1.0.0}, framed as {@code uvarint(len) ||
 * protobuf}): building requests and replies, and parsing them with typed refusals.
 *
 * <p>Parsing is strict about what makes a message unusable (an unknown type) and lenient about
 * one bad entry among many: an unreadable peer ID or address is skipped, as go and js skip them,
 * so one bad peer in a reply does not spoil the others.
 */
public final class KadMessages {
  /** The protocol ID go and js use (the spec gives none). */
  public static final String PROTOCOL = "/ipfs/kad/1.0.0";
  /** The largest message read, checked before it is buffered: go's {@code network.MessageSizeMax}. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 << 20;
  /** At most this many peers are taken from one list of a message (k is 20; js and go send at most k). */
  public static final int MAX_PEERS_PER_LIST = 100;
  /** At most this many addresses are taken for one peer of a message. */
  public static final int MAX_ADDRS_PER_PEER = 32;

  private KadMessages() {}

  /**
   * Installs the bounded framing and a DHT message reader on a stream's channel.
   *
   * @param ch the stream's channel
   * @param maxMessageBytes the largest message accepted
   * @return the message stream
   */
  public static MessageStream<Message> stream(Channel ch, int maxMessageBytes) {
    return MessageStream.install(ch, "DHT", maxMessageBytes, f -> parse(f, maxMessageBytes));
  }

  /**
   * Parses one frame (not released here).
   *
   * @param frame the message bytes, without the length prefix
   * @param maxMessageBytes the largest message accepted
   * @return the message
   * @throws PeerException a {@link io.peerlink.core.LimitExceededException} when too large, a
   *     {@link ProtocolViolationException} when malformed or of an unknown type
   */
  public static Message parse(ByteBuf frame, int maxMessageBytes) throws PeerException {
    Message m = ProtobufFrames.parse(frame, Message.parser(), maxMessageBytes);
    if (m.getType() == MessageType.UNRECOGNIZED) {
      throw new ProtocolViolationException("DHT message of unknown type " + m.getTypeValue());
    }
    return m;
  }

  /**
   * {@return {@code m} as a frame to write; the stream adds the length prefix}
   *
   * @param m the message
   */
  public static ByteBuf encode(Message m) {
    return Unpooled.wrappedBuffer(m.toByteArray());
  }

  /**
   * {@return a request of {@code type} for {@code key}}
   *
   * @param type FIND_NODE, GET_VALUE or GET_PROVIDERS
   * @param key the key
   */
  public static Message request(MessageType type, byte[] key) {
    return Message.newBuilder().setType(type).setKey(ByteString.copyFrom(key)).build();
  }

  /**
   * {@return a PUT_VALUE of {@code key}'s {@code value}}
   *
   * @param key the record's key
   * @param value its value
   */
  public static Message putValue(byte[] key, byte[] value) {
    return Message.newBuilder().setType(MessageType.PUT_VALUE).setKey(ByteString.copyFrom(key))
        .setRecord(record(key, value, Instant.now())).build();
  }

  /**
   * {@return an ADD_PROVIDER saying {@code self} provides {@code key}}
   *
   * @param key the provided key (a multihash)
   * @param self we, with the addresses we are reached at
   */
  public static Message addProvider(byte[] key, KadPeer self) {
    return Message.newBuilder().setType(MessageType.ADD_PROVIDER).setKey(ByteString.copyFrom(key))
        .addProviderPeers(peer(self)).build();
  }

  /**
   * {@return a record as the wire carries it, received at {@code at}}
   *
   * @param key the key
   * @param value the value
   * @param at when it was received, written as RFC 3339
   */
  public static Record record(byte[] key, byte[] value, Instant at) {
    return Record.newBuilder().setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value))
        .setTimeReceived(DateTimeFormatter.ISO_INSTANT.format(at)).build();
  }

  /**
   * {@return the wire form of {@code p}}
   *
   * @param p a peer
   */
  public static Message.Peer peer(KadPeer p) {
    Message.Peer.Builder b = Message.Peer.newBuilder().setId(ByteString.copyFrom(p.id().bytes()));
    for (Multiaddr a : p.addrs()) {
      b.addAddrs(ByteString.copyFrom(a.bytes()));
    }
    return b.build();
  }

  /**
   * The readable peers of a list: entries whose ID is not a peer ID are skipped, as are unreadable
   * addresses; at most {@link #MAX_PEERS_PER_LIST} peers with {@link #MAX_ADDRS_PER_PEER}
   * addresses each.
   *
   * @param list {@code closerPeers} or {@code providerPeers}
   * @return the peers
   */
  public static List<KadPeer> peers(List<Message.Peer> list) {
    List<KadPeer> out = new ArrayList<>();
    for (Message.Peer p : list) {
      if (out.size() >= MAX_PEERS_PER_LIST) {
        break;
      }
      PeerId id;
      try {
        id = PeerId.fromBytes(p.getId().toByteArray());
      } catch (IllegalArgumentException e) {
        continue;
      }
      List<Multiaddr> addrs = new ArrayList<>();
      for (ByteString raw : p.getAddrsList()) {
        if (addrs.size() >= MAX_ADDRS_PER_PEER) {
          break;
        }
        try {
          addrs.add(Multiaddr.fromBytes(raw.toByteArray()));
        } catch (IllegalArgumentException e) {
          // one unreadable address does not spoil the others
        }
      }
      out.add(new KadPeer(id, addrs));
    }
    return out;
  }
}
