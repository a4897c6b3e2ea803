package io.peerlink.relay.internal.holepunch;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.peerlink.core.PeerException;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.core.spi.ProtobufFrames;
import io.peerlink.relay.internal.proto.HolePunchProtos.HolePunch;
import java.util.ArrayList;
import java.util.List;

/** DCUtR's one message, {@code HolePunch}: building, parsing and checking (the spec: relay/DCUtR.md in libp2p/specs). */
public final class DcutrMessages {
  /** The protocol ID. */
  public static final String PROTOCOL = "/libp2p/dcutr";
  /** Messages over this many bytes are refused. */
  public static final int MAX_MESSAGE_BYTES = 4096;
  /** At most this many addresses are taken from one CONNECT. */
  public static final int MAX_ADDRS = 32;

  private DcutrMessages() {}

  /** A parsed message: its type and, for CONNECT, the direct TCP and QUIC addresses (relayed ones dropped). */
  public record Message(HolePunch.Type type, List<Multiaddr> addrs) {}

  /** CONNECT with our addresses. */
  public static ByteBuf connect(List<Multiaddr> addrs) {
    HolePunch.Builder b = HolePunch.newBuilder().setType(HolePunch.Type.CONNECT);
    for (Multiaddr a : addrs) {
      b.addObsAddrs(ByteString.copyFrom(a.withoutPeerId().bytes()));
    }
    return Unpooled.wrappedBuffer(b.build().toByteArray());
  }

  /** SYNC (no addresses). */
  public static ByteBuf sync() {
    return Unpooled.wrappedBuffer(HolePunch.newBuilder().setType(HolePunch.Type.SYNC).build().toByteArray());
  }

  /** Installs the bounded framing and a DCUtR message reader on a stream's channel. */
  public static MessageStream<Message> stream(Channel ch) {
    return MessageStream.install(ch, "DCUtR", MAX_MESSAGE_BYTES, DcutrMessages::parse);
  }

  /**
   * Parses one frame (not released here).
   *
   * @throws PeerException a {@link io.peerlink.core.LimitExceededException} over 4 KiB, a
   *     {@link ProtocolViolationException} when malformed, or when a CONNECT has no usable address
   */
  public static Message parse(ByteBuf frame) throws PeerException {
    HolePunch msg = ProtobufFrames.parse(frame, HolePunch.parser(), MAX_MESSAGE_BYTES);
    if (msg.getType() == HolePunch.Type.SYNC) {
      return new Message(HolePunch.Type.SYNC, List.of());
    }
    List<Multiaddr> addrs = new ArrayList<>();
    for (ByteString raw : msg.getObsAddrsList()) {
      Multiaddr a;
      try {
        a = Multiaddr.fromBytes(raw.toByteArray());
      } catch (IllegalArgumentException e) {
        continue; // one unreadable address (an unknown protocol) does not spoil the others
      }
      boolean direct = a.toSocketAddress().isPresent() || PunchSockets.quic(a).isPresent();
      if (!a.isRelayed() && direct && addrs.size() < MAX_ADDRS) {
        addrs.add(a.withoutPeerId());
      }
    }
    if (addrs.isEmpty()) {
      throw new ProtocolViolationException(
          "DCUtR CONNECT carries no direct TCP address and no QUIC one (" + msg.getObsAddrsCount() + " given)");
    }
    return new Message(HolePunch.Type.CONNECT, List.copyOf(addrs));
  }
}
