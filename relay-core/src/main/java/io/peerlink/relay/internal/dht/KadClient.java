package io.peerlink.relay.internal.dht;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerError;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.relay.internal.proto.KadProtos.Message;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The side that asks: sends one DHT request to one peer on a new stream and reads its reply,
 * reusing an open connection or dialing the peer's direct addresses one after another. The
 * whole request, dialing included, is bounded by the request timeout (go and js: 10 s).
 * Thread-safe.
 */
public final class KadClient {
  private final Host host;
  private final Duration timeout;
  private final int maxMessageBytes;
  private final Map<PeerId, CompletableFuture<Peer>> dialing = new ConcurrentHashMap<>();

  /**
   * A client for {@code host}.
   *
   * @param host the host
   * @param timeout the bound on one request
   * @param maxMessageBytes the largest reply read
   */
  public KadClient(Host host, Duration timeout, int maxMessageBytes) {
    this.host = host;
    this.timeout = timeout;
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * Sends {@code request} to {@code peer} and reads one reply of the same type.
   *
   * @param peer the peer, with addresses to dial if we are not connected
   * @param request the request
   * @return the reply; fails on a timeout, a closed stream, or a reply of another type
   */
  public CompletableFuture<Message> request(KadPeer peer, Message request) {
    AtomicReference<MessageStream<Message>> holder = new AtomicReference<>();
    CompletableFuture<Message> reply = connect(peer)
        .thenCompose(c -> c.newStream(KadMessages.PROTOCOL,
            s -> holder.set(KadMessages.stream(s.channel(), maxMessageBytes))))
        .thenCompose(s -> holder.get().write(KadMessages.encode(request)))
        .thenCompose(v -> holder.get().read(timeout))
        .thenApply(m -> {
          if (m.getType() != request.getType()) {
            throw new CompletionException(new ProtocolViolationException(
                "asked " + request.getType() + ", the reply is a " + m.getType()));
          }
          return m;
        });
    return bounded(reply, holder);
  }

  /**
   * Sends {@code message} to {@code peer} without waiting for a reply (ADD_PROVIDER).
   *
   * @param peer the peer
   * @param message the message
   * @return completes once written
   */
  public CompletableFuture<Void> send(KadPeer peer, Message message) {
    AtomicReference<MessageStream<Message>> holder = new AtomicReference<>();
    CompletableFuture<Void> sent = connect(peer)
        .thenCompose(c -> c.newStream(KadMessages.PROTOCOL,
            s -> holder.set(KadMessages.stream(s.channel(), maxMessageBytes))))
        .thenCompose(s -> holder.get().write(KadMessages.encode(message)));
    return bounded(sent, holder);
  }

  private <T> CompletableFuture<T> bounded(CompletableFuture<T> f, AtomicReference<MessageStream<Message>> holder) {
    return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((m, e) -> {
      MessageStream<Message> s = holder.get();
      if (s != null) {
        s.channel().close();
      }
    });
  }

  /**
   * An open connection to {@code peer} that may carry the DHT (not a limited relayed one), or a
   * new one dialed at its direct addresses in turn.
   *
   * @param peer the peer
   * @return the connection
   */
  public CompletableFuture<Peer> connect(KadPeer peer) {
    Peer open = openConnection(peer.id());
    if (open != null) {
      return CompletableFuture.completedFuture(open);
    }
    CompletableFuture<Peer> mine = new CompletableFuture<>();
    CompletableFuture<Peer> pending = dialing.putIfAbsent(peer.id(), mine);
    if (pending != null) {
      return pending;
    }
    List<Multiaddr> addrs = peer.dialable().stream().filter(a -> !a.isRelayed()).toList();
    dialInTurn(addrs, 0, null).whenComplete((c, e) -> {
      dialing.remove(peer.id(), mine);
      if (e != null) {
        mine.completeExceptionally(e);
      } else {
        mine.complete(c);
      }
    });
    return mine;
  }

  private Peer openConnection(PeerId id) {
    Peer best = null;
    for (Peer c : host.connections()) {
      if (c.peerId().equals(id) && c.isOpen() && c.limit().isEmpty()) {
        if (best == null || best.path() == ConnectionPath.RELAYED && c.path() != ConnectionPath.RELAYED) {
          best = c;
        }
      }
    }
    return best;
  }

  private CompletableFuture<Peer> dialInTurn(List<Multiaddr> addrs, int i, Throwable last) {
    if (i >= addrs.size()) {
      return CompletableFuture.failedFuture(last != null ? last
          : new PeerException(PeerError.CONNECT, "no direct address to reach the peer at"));
    }
    return host.dial(addrs.get(i)).handle((c, e) -> e == null
        ? CompletableFuture.completedFuture(c) : dialInTurn(addrs, i + 1, e)).thenCompose(f -> f);
  }
}
