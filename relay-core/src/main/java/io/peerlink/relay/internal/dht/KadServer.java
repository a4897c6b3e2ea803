package io.peerlink.relay.internal.dht;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.Stream;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.core.spi.StreamChannels;
import io.peerlink.relay.DhtConfig;
import io.peerlink.relay.internal.proto.KadProtos.Message;
import io.peerlink.relay.internal.proto.KadProtos.Message.MessageType;
import io.peerlink.relay.internal.proto.KadProtos.Record;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The side that answers ({@code /ipfs/kad/1.0.0} in server mode). Each inbound stream carries
 * any number of requests, one after another, as the spec requires; each is bounded by the
 * message size before it is buffered, must arrive within the idle timeout, and must be answered
 * within the request timeout. A peer over its stream or request-rate limit, a malformed message
 * or a refused PUT_VALUE resets the stream.
 *
 * <ul>
 *   <li>FIND_NODE: the k closest peers we know that have addresses (the target first when we know
 *       where it is; ourselves when it is us).
 *   <li>GET_VALUE: our record for the key, if any, and the closest peers.
 *   <li>PUT_VALUE: validated, stored and echoed without peer lists (as go).
 *   <li>ADD_PROVIDER: only entries naming the sender, with addresses, are stored; no reply.
 *   <li>GET_PROVIDERS: the providers we hold and the closest peers.
 *   <li>PING: echoed (deprecated, never sent by us; go and js echo it too).
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class KadServer {
  private static final Logger log = LoggerFactory.getLogger(KadServer.class);

  private final DhtConfig config;
  private final PeerId self;
  private final Supplier<KadPeer> selfPeer;
  private final RoutingTable table;
  private final PeerAddresses addresses;
  private final Function<PeerId, List<Multiaddr>> whereIs;
  private final RecordStore records;
  private final ProviderStore providers;
  private final InboundLimits limits;

  /**
   * A server over the DHT's state.
   *
   * @param config the settings
   * @param selfPeer we, with our current addresses
   * @param table the routing table
   * @param addresses addresses known for peers
   * @param whereIs where a FIND_NODE's target is, when we know
   * @param records the record store
   * @param providers the provider store
   * @param limits per-peer limits
   */
  public KadServer(DhtConfig config, Supplier<KadPeer> selfPeer, RoutingTable table, PeerAddresses addresses,
      Function<PeerId, List<Multiaddr>> whereIs, RecordStore records, ProviderStore providers, InboundLimits limits) {
    this.whereIs = whereIs;
    this.config = config;
    this.selfPeer = selfPeer;
    this.self = selfPeer.get().id();
    this.table = table;
    this.addresses = addresses;
    this.records = records;
    this.providers = providers;
    this.limits = limits;
  }

  /**
   * Serves one inbound stream; the host's handler for the protocol.
   *
   * @param s the stream
   */
  public void serve(Stream s) {
    PeerId from = s.peer().peerId();
    Channel ch = s.channel();
    if (!limits.tryOpenStream(from)) {
      log.debug("DHT: {} has too many streams open, resetting", from);
      StreamChannels.reset(ch);
      return;
    }
    ch.closeFuture().addListener(f -> limits.streamClosed(from));
    MessageStream<Message> ms = KadMessages.stream(ch, config.maxMessageBytes());
    InputEnd end = new InputEnd();
    ch.pipeline().addLast(end);
    next(ms, from, end);
  }

  /**
   * Closes the stream once the remote has closed its side (its FIN; streams are half-closable)
   * and the reply under way, if any, is written: a client that closes its side right after its
   * request still gets the answer, and one that is done frees its stream at once.
   */
  private static final class InputEnd extends ChannelInboundHandlerAdapter {
    boolean ended;
    boolean replying;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownReadComplete) {
        ended = true;
        if (!replying) {
          ctx.close();
        }
      }
      ctx.fireUserEventTriggered(evt);
    }
  }

  private void next(MessageStream<Message> ms, PeerId from, InputEnd end) {
    Channel ch = ms.channel();
    ms.read(config.streamIdleTimeout()).whenComplete((m, err) -> {
      if (err != null) {
        ch.close();
        return;
      }
      if (!limits.tryRequest(from)) {
        log.debug("DHT: {} is over its request rate, resetting", from);
        StreamChannels.reset(ch);
        return;
      }
      Message reply = answer(from, m);
      if (reply == null) {
        if (m.getType() == MessageType.ADD_PROVIDER) {
          next(ms, from, end);
        } else {
          StreamChannels.reset(ch);
        }
        return;
      }
      ScheduledFuture<?> deadline = ch.eventLoop().schedule(() -> StreamChannels.reset(ch),
          config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
      end.replying = true;
      ms.write(KadMessages.encode(reply)).whenComplete((v, e) -> {
        deadline.cancel(false);
        end.replying = false;
        if (e == null && !end.ended) {
          next(ms, from, end);
        } else {
          ch.close();
        }
      });
    });
  }

  /**
   * The reply to {@code m} from {@code from}: null for none (ADD_PROVIDER, or a request refused,
   * which resets the stream).
   *
   * @param from the remote peer
   * @param m its request
   * @return the reply, or null
   */
  Message answer(PeerId from, Message m) {
    byte[] key = m.getKey().toByteArray();
    return switch (m.getType()) {
      case FIND_NODE -> Message.newBuilder().setType(MessageType.FIND_NODE).setKey(m.getKey())
          .addAllCloserPeers(wire(findNode(from, key))).build();
      case GET_VALUE -> getValue(from, m, key);
      case PUT_VALUE -> putValue(from, m, key);
      case ADD_PROVIDER -> {
        for (KadPeer p : KadMessages.peers(m.getProviderPeersList())) {
          if (p.id().equals(from) && !p.addrs().isEmpty()) {
            providers.add(key, p);
          }
        }
        yield null;
      }
      case GET_PROVIDERS -> Message.newBuilder().setType(MessageType.GET_PROVIDERS).setKey(m.getKey())
          .addAllProviderPeers(wire(providers.get(key, KadMessages.MAX_PEERS_PER_LIST)))
          .addAllCloserPeers(wire(closer(from, key))).build();
      case PING -> Message.newBuilder().setType(MessageType.PING).build();
      default -> null;
    };
  }

  private Message getValue(PeerId from, Message m, byte[] key) {
    Message.Builder b = Message.newBuilder().setType(MessageType.GET_VALUE).setKey(m.getKey())
        .addAllCloserPeers(wire(closer(from, key)));
    RecordStore.Stored held = records.get(key);
    if (held != null) {
      b.setRecord(KadMessages.record(key, held.value(), Instant.now()));
    }
    return b.build();
  }

  private Message putValue(PeerId from, Message m, byte[] key) {
    if (!m.hasRecord()) {
      return null;
    }
    Record r = m.getRecord();
    if (!r.getKey().equals(m.getKey())) {
      log.debug("DHT: PUT_VALUE from {} names two keys", from);
      return null;
    }
    RecordStore.Outcome o = records.put(key, r.getValue().toByteArray(), from);
    if (o != RecordStore.Outcome.STORED) {
      log.debug("DHT: PUT_VALUE from {} refused: {}", from, o);
      return null;
    }
    return Message.newBuilder().setType(MessageType.PUT_VALUE).setKey(m.getKey()).setRecord(r).build();
  }

  private List<KadPeer> findNode(PeerId from, byte[] key) {
    List<KadPeer> out = new ArrayList<>();
    PeerId target = null;
    try {
      target = PeerId.fromBytes(key);
    } catch (IllegalArgumentException notAPeer) {
      // any key may be looked up; only a peer ID can be "the target"
    }
    if (target != null && target.equals(self)) {
      out.add(selfPeer.get());
    } else if (target != null) {
      List<Multiaddr> where = whereIs.apply(target);
      if (!where.isEmpty()) {
        out.add(new KadPeer(target, where));
      }
    }
    for (KadPeer p : closer(from, key)) {
      if (out.size() >= config.k()) {
        break;
      }
      if (!p.id().equals(target)) {
        out.add(p);
      }
    }
    return out;
  }

  /** The k closest peers to {@code key} with addresses, the requester left out. */
  private List<KadPeer> closer(PeerId from, byte[] key) {
    List<KadPeer> out = new ArrayList<>();
    for (KadPeer p : table.closest(KadKey.of(key), config.k() + 1)) {
      if (!p.id().equals(from) && !p.addrs().isEmpty() && out.size() < config.k()) {
        out.add(p);
      }
    }
    return out;
  }

  private static List<Message.Peer> wire(List<KadPeer> peers) {
    return peers.stream().map(KadMessages::peer).toList();
  }
}
