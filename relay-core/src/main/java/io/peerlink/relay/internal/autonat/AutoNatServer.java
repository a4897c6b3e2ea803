package io.peerlink.relay.internal.autonat;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.Stream;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.AddressFilter;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.DialAttempt;
import io.peerlink.core.spi.Host;
import io.peerlink.core.spi.MessageStream;
import io.peerlink.relay.AutoNatConfig;
import io.peerlink.relay.internal.proto.AutoNatProtos.Message;
import io.peerlink.relay.internal.proto.AutoNatProtos.Message.ResponseStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AutoNAT v1 server ({@code /libp2p/autonat/1.0.0}): one DIAL request per
 * stream (at most 4096 bytes, the whole exchange bounded by {@link AutoNatConfig#streamTimeout()}),
 * answered with one DIAL_RESPONSE.
 *
 * <ul>
 *   <li>A request over a relayed connection: E_DIAL_REFUSED.
 *   <li>No peer info, or a peer ID other than the connection's: E_BAD_REQUEST.
 *   <li>Only addresses whose IP equals the connection's remote IP (the requester's observed IP)
 *       and that the {@link AddressFilter} calls public are dialed, TCP and QUIC v1, each address once, the
 *       first {@link AutoNatConfig#serverMaxDialBackAddresses()} of them; none left: E_DIAL_REFUSED.
 *   <li>Over the rate limits ({@link AutoNatConfig#serverPerPeerLimit()},
 *       {@link AutoNatConfig#serverGlobalLimit()}, kept by a {@link DialBackLimiter}; only
 *       requests that reach the dial count): E_DIAL_REFUSED.
 *   <li>Otherwise every such address is dialed at once on a new connection of its transport, bounded by
 *       {@link AutoNatConfig#dialBackTimeout()}: OK with the first address that worked (that
 *       connection is then closed), or E_DIAL_ERROR.
 * </ul>
 *
 * A malformed or oversized request closes the stream without an answer.
 *
 * <p>Thread-safe.
 */
public final class AutoNatServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AutoNatServer.class);

  private final Host core;
  private final AddressFilter filter;
  private final AutoNatConfig config;
  private final DialBackLimiter limiter;
  private volatile boolean closed;

  /**
   * A server for {@code core}; {@link #start()} serves the protocol.
   *
   * @param core the host's internals
   * @param filter what counts as a public address
   * @param config the settings
   */
  public AutoNatServer(Host core, AddressFilter filter, AutoNatConfig config) {
    this.core = Objects.requireNonNull(core, "core");
    this.filter = Objects.requireNonNull(filter, "filter");
    this.config = Objects.requireNonNull(config, "config");
    this.limiter = new DialBackLimiter(config.serverPerPeerLimit(), config.serverGlobalLimit(),
        config.serverLimitWindow(), System::nanoTime);
  }

  /**
   * Serves {@code /libp2p/autonat/1.0.0} (on limited relayed connections too, to refuse them explicitly).
   *
   * @return this server
   */
  public AutoNatServer start() {
    core.handle(AutoNatMessages.PROTOCOL, this::onStream);
    core.allowOnLimitedConnections(AutoNatMessages.PROTOCOL);
    return this;
  }

  private void onStream(Stream s) {
    if (closed) {
      s.channel().close();
      return;
    }
    MessageStream<Message> as = AutoNatMessages.stream(s.channel());
    ScheduledFuture<?> deadline = s.channel().eventLoop().schedule(
        () -> s.channel().close(), config.streamTimeout().toMillis(), TimeUnit.MILLISECONDS);
    as.read(config.streamTimeout())
        .thenCompose(m -> answer(s.peer(), m))
        .thenCompose(as::write)
        .whenComplete((v, err) -> {
          if (err != null) {
            log.debug("AutoNAT request from {} failed: {}", s.peer().peerId(), err.toString());
          }
          deadline.cancel(false);
          s.channel().close();
        });
  }

  private CompletableFuture<ByteBuf> answer(Peer conn, Message m) {
    if (conn.path() == ConnectionPath.RELAYED) {
      return reply(ResponseStatus.E_DIAL_REFUSED, "refused: the request came over a relayed connection", null);
    }
    AutoNatMessages.Request req = AutoNatMessages.request(m);
    if (req == null) {
      return reply(ResponseStatus.E_BAD_REQUEST, "expected a DIAL with peer info", null);
    }
    if (!conn.peerId().equals(req.peer())) {
      return reply(ResponseStatus.E_BAD_REQUEST, "the peer ID does not match the connection's", null);
    }
    InetAddress observed = conn.remoteAddress().withoutPeerId().toTransportSocketAddress()
        .map(InetSocketAddress::getAddress).orElse(null);
    List<Multiaddr> dialable = new ArrayList<>();
    Set<Multiaddr> named = new HashSet<>(); // one dial per address, however often it is named
    for (Multiaddr a : req.addrs()) {
      if (dialable.size() >= config.serverMaxDialBackAddresses()) {
        break;
      }
      if (a.isRelayed() || !filter.test(a)) {
        continue;
      }
      // TCP and QUIC alike: the same ip:port over the other transport is another address to try.
      InetSocketAddress sa = a.withoutPeerId().toTransportSocketAddress().orElse(null);
      if (sa != null && !sa.isUnresolved() && sa.getAddress().equals(observed) && named.add(a.withoutPeerId())) {
        dialable.add(a.withoutPeerId());
      }
    }
    if (dialable.isEmpty()) {
      return reply(ResponseStatus.E_DIAL_REFUSED,
          "no public address with the observed IP " + (observed == null ? "?" : observed.getHostAddress()), null);
    }
    String limited = limiter.acquire(conn.peerId());
    if (limited != null) {
      return reply(ResponseStatus.E_DIAL_REFUSED, limited, null);
    }
    return dialBack(conn.peerId(), dialable).handle((addr, err) -> err == null
        ? AutoNatMessages.response(ResponseStatus.OK, "dialed back", addr)
        : AutoNatMessages.response(ResponseStatus.E_DIAL_ERROR, "dial back failed: " + message(err), null));
  }

  private static CompletableFuture<ByteBuf> reply(ResponseStatus status, String text, Multiaddr addr) {
    return CompletableFuture.completedFuture(AutoNatMessages.response(status, text, addr));
  }

  /** Dials every address at once on new connections; completes with the first that worked. */
  private CompletableFuture<Multiaddr> dialBack(PeerId peer, List<Multiaddr> addrs) {
    CompletableFuture<Multiaddr> first = new CompletableFuture<>();
    AtomicInteger left = new AtomicInteger(addrs.size());
    List<DialAttempt> attempts = new ArrayList<>();
    for (Multiaddr a : addrs) {
      DialAttempt at = core.dial(peer, a.toTransportSocketAddress().orElseThrow(), a);
      attempts.add(at);
      at.result().whenComplete((p, e) -> {
        if (e == null) {
          p.close(); // a probe: the requester already has its connection to us
          first.complete(a);
        } else if (left.decrementAndGet() == 0) {
          first.completeExceptionally(e);
        }
      });
    }
    first.orTimeout(config.dialBackTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((a, e) -> attempts.forEach(at -> at.cancel().run()));
    return first;
  }

  private static String message(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (c instanceof TimeoutException) {
      return "timed out";
    }
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }

  /** Stops serving; dial backs under way finish. */
  @Override
  public void close() {
    closed = true;
    core.removeHandler(AutoNatMessages.PROTOCOL);
  }
}
