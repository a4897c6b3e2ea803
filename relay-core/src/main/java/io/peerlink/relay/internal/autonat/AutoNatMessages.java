package io.peerlink.relay.internal.autonat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.core.spi.ProtobufFrames;
import io.peerlink.relay.internal.proto.AutoNatProtos.Message;
import java.util.ArrayList;
import java.util.List;

/** AutoNAT v1's one message: building and parsing (the spec: autonat/autonat-v1.md in libp2p/specs). */
public final class AutoNatMessages {
  /** The protocol ID. */
  public static final String PROTOCOL = "/libp2p/autonat/1.0.0";
  /** Messages over this many bytes are refused (go's limit). */
  public static final int MAX_MESSAGE_BYTES = 4096;
  /** At most this many addresses are taken from one request. */
  public static final int MAX_ADDRS = 32;

  private AutoNatMessages() {}

  /** A DIAL request: the peer ID it names (null if missing or unreadable) and its readable addresses. */
  public record Request(PeerId peer, List<Multiaddr> addrs) {}

  /** A DIAL_RESPONSE: its status, text and the address that worked (null if none or unreadable). */
  public record Response(Message.ResponseStatus status, String text, Multiaddr addr) {}

  /** DIAL naming {@code self} and its candidate addresses. */
  public static ByteBuf dial(PeerId self, List<Multiaddr> addrs) {
    Message.PeerInfo.Builder p = Message.PeerInfo.newBuilder().setId(ByteString.copyFrom(self.bytes()));
    for (Multiaddr a : addrs) {
      p.addAddrs(ByteString.copyFrom(a.withoutPeerId().bytes()));
    }
    return wrap(Message.newBuilder().setType(Message.MessageType.DIAL)
        .setDial(Message.Dial.newBuilder().setPeer(p)).build());
  }

  /** DIAL_RESPONSE with {@code status}, {@code text} and, when not null, the address that worked. */
  public static ByteBuf response(Message.ResponseStatus status, String text, Multiaddr addr) {
    Message.DialResponse.Builder r = Message.DialResponse.newBuilder().setStatus(status);
    if (text != null) {
      r.setStatusText(text);
    }
    if (addr != null) {
      r.setAddr(ByteString.copyFrom(addr.withoutPeerId().bytes()));
    }
    return wrap(Message.newBuilder().setType(Message.MessageType.DIAL_RESPONSE).setDialResponse(r).build());
  }

  private static ByteBuf wrap(Message m) {
    return Unpooled.wrappedBuffer(m.toByteArray());
  }

  /** Installs the bounded framing and a AutoNAT message reader on a stream's channel. */
  public static MessageStream<Message> stream(Channel ch) {
    return MessageStream.install(ch, "AutoNAT", MAX_MESSAGE_BYTES, AutoNatMessages::parse);
  }

  /**
   * Parses one frame (not released here).
   *
   * @throws PeerException a {@link io.peerlink.core.LimitExceededException} over 4 KiB, a
   *     {@link io.peerlink.core.ProtocolViolationException} when malformed
   */
  public static Message parse(ByteBuf frame) throws PeerException {
    return ProtobufFrames.parse(frame, Message.parser(), MAX_MESSAGE_BYTES);
  }

  /** The request in {@code m}, or null when {@code m} is not a DIAL with peer info. */
  public static Request request(Message m) {
    if (m.getType() != Message.MessageType.DIAL || !m.hasDial() || !m.getDial().hasPeer()) {
      return null;
    }
    Message.PeerInfo p = m.getDial().getPeer();
    PeerId id = null;
    if (p.hasId()) {
      try {
        id = PeerId.fromBytes(p.getId().toByteArray());
      } catch (IllegalArgumentException e) {
        id = null;
      }
    }
    List<Multiaddr> addrs = new ArrayList<>();
    for (ByteString raw : p.getAddrsList()) {
      if (addrs.size() >= MAX_ADDRS) {
        break;
      }
      try {
        addrs.add(Multiaddr.fromBytes(raw.toByteArray()));
      } catch (IllegalArgumentException e) {
        // one unreadable address does not spoil the others
      }
    }
    return new Request(id, List.copyOf(addrs));
  }

  /** The response in {@code m}, or null when {@code m} is not a DIAL_RESPONSE with a status. */
  public static Response response(Message m) {
    if (m.getType() != Message.MessageType.DIAL_RESPONSE || !m.hasDialResponse()
        || !m.getDialResponse().hasStatus()) {
      return null;
    }
    Message.DialResponse r = m.getDialResponse();
    Multiaddr addr = null;
    if (r.hasAddr()) {
      try {
        addr = Multiaddr.fromBytes(r.getAddr().toByteArray());
      } catch (IllegalArgumentException e) {
        addr = null;
      }
    }
    return new Response(r.getStatus(), r.hasStatusText() ? r.getStatusText() : "", addr);
  }
}
