package io.peerlink.relay.internal.dht;

import io.peerlink.core.Peer;
import io.peerlink.core.event.Reachability;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.core.spi.Host;
import io.peerlink.relay.Dht;
import io.peerlink.relay.DhtConfig;
import io.peerlink.relay.internal.HostTimer;
import io.peerlink.relay.internal.proto.KadProtos.Message;
import io.peerlink.relay.internal.proto.KadProtos.Message.MessageType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kademlia DHT of one host: its routing table, stores, server and client, and the lookups
 * behind each {@link Dht} operation. Server mode registers {@link KadServer} as the host's handler
 * of {@code /ipfs/kad/1.0.0} (identify then announces it); client mode removes it. Thread-safe.
 */
public final class KadDht implements Dht, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KadDht.class);
  /** Peers whose addresses are remembered (identify, replies). */
  private static final int ADDRESS_CACHE = 4096;

  private final Host host;
  private final DhtConfig config;
  private final PeerId self;
  private final RoutingTable table;
  private final PeerAddresses addresses = new PeerAddresses(ADDRESS_CACHE);
  private final Validators validators;
  private final RecordStore records;
  private final ProviderStore providers;
  private final KadClient client;
  private final KadServer server;
  private final Admission admission;
  private final Refresh refresh;
  private final Providing providing;
  private final Consumer<Peer> onConnection = this::connected;
  private volatile boolean serving;
  private volatile boolean closed;

  /**
   * The DHT of {@code host}; {@link #start()} sets it going.
   *
   * @param host the host
   * @param config the settings
   */
  public KadDht(Host host, DhtConfig config) {
    this.host = host;
    this.config = config;
    this.self = host.identity().peerId();
    this.table = new RoutingTable(self, config.k(), config.refreshInterval().toNanos(), System::nanoTime);
    this.validators = new Validators(config.validators());
    this.records = new RecordStore(self, validators, config.maxRecords(), config.maxRecordBytes(),
        config.maxRecordsPerPeer(), config.recordTtl().toNanos(), System::nanoTime);
    this.providers = new ProviderStore(self, config.maxProviders(), config.maxProvidersPerPeer(),
        config.providerTtl().toNanos(), System::nanoTime);
    this.client = new KadClient(host, config.requestTimeout(), config.maxMessageBytes());
    this.server = new KadServer(config, this::selfPeer, table, addresses, this::whereIs, records, providers,
        new InboundLimits(config.maxInboundStreamsPerPeer(), config.requestsPerSecondPerPeer(), System::nanoTime));
    this.admission = new Admission(self, table, addresses,
        new KadClient(host, config.checkTimeout(), config.maxMessageBytes()));
    this.refresh = new Refresh(this, table, HostTimer.of(host), config);
    this.providing = new Providing(this, client, providers, addresses);
  }

  /**
   * Watches connections, serves in SERVER mode, and starts the refresh and republish timers.
   *
   * @return this
   */
  public KadDht start() {
    host.addConnectionListener(onConnection);
    host.connections().forEach(this::connected);
    if (config.mode() == DhtConfig.Mode.SERVER) {
      setServing(true);
    }
    refresh.start();
    return this;
  }

  /**
   * Follows AutoNAT in AUTO mode: server while PUBLIC, client otherwise (go's {@code ModeAuto}).
   *
   * @param current the reachability now
   */
  public void reachabilityChanged(Reachability current) {
    if (config.mode() == DhtConfig.Mode.AUTO) {
      setServing(current == Reachability.PUBLIC);
    }
  }

  private synchronized void setServing(boolean on) {
    if (closed || on == serving) {
      return;
    }
    serving = on;
    if (on) {
      host.handle(KadMessages.PROTOCOL, server::serve);
    } else {
      host.removeHandler(KadMessages.PROTOCOL);
    }
    log.debug("DHT: {} mode", on ? "server" : "client");
  }

  private void connected(Peer conn) {
    if (!closed) {
      admission.connected(conn);
    }
  }

  /** {@return the settings} */
  public DhtConfig config() {
    return config;
  }

  /**
   * Where {@code peer} is, as far as we know: the host's address book first (identify and its
   * pushes: a NATed peer's circuit addresses arrive by a push once it holds a reservation, after
   * the DHT first met it), then what the DHT learned from identify and replies. A FIND_NODE for a
   * peer connected to us names it with these, as go names a connected target.
   */
  List<Multiaddr> whereIs(PeerId peer) {
    Set<Multiaddr> all = new LinkedHashSet<>();
    for (Multiaddr a : host.addressBook().addresses(peer)) {
      all.add(a.withoutPeerId());
    }
    all.addAll(addresses.get(peer));
    return List.copyOf(all);
  }

  KadPeer selfPeer() {
    return new KadPeer(self, host.listenAddresses());
  }

  // ------------------------------------------------------------------ lookups

  /**
   * A lookup sending {@code type} for {@code key} to each peer.
   *
   * @param type the request type
   * @param key the key
   * @param onReply sees every reply with the peer that sent it
   * @param done whether the caller has what it wanted
   * @return the lookup's result
   */
  CompletableFuture<Lookup.Result> lookup(MessageType type, byte[] key,
      BiConsumer<KadPeer, Message> onReply, BooleanSupplier done) {
    KadKey target = KadKey.of(key);
    table.refreshed(target);
    Message request = type == MessageType.FIND_NODE || type == MessageType.GET_VALUE
        || type == MessageType.GET_PROVIDERS ? KadMessages.request(type, key) : null;
    if (request == null) {
      throw new IllegalArgumentException("not a lookup request: " + type);
    }
    Lookup.Query q = new Lookup.Query() {
      @Override
      public CompletableFuture<List<KadPeer>> ask(KadPeer peer) {
        KadPeer where = peer.addrs().isEmpty() ? new KadPeer(peer.id(), addresses.get(peer.id())) : peer;
        return client.request(where, request).handle((m, e) -> {
          if (e != null) {
            log.debug("DHT: query to {} failed: {}", peer.id(), e.toString());
            table.remove(peer.id());
            throw new CompletionException(e);
          }
          table.markUseful(peer.id());
          List<KadPeer> closer = KadMessages.peers(m.getCloserPeersList());
          closer.forEach(addresses::learn);
          onReply.accept(where, m);
          return closer;
        });
      }

      @Override
      public boolean done() {
        return done.getAsBoolean();
      }
    };
    return Lookup.run(self, target, table.closest(target, config.k()), config.k(), config.alpha(), config.beta(), q);
  }

  @Override
  public CompletableFuture<Integer> bootstrap() {
    List<CompletableFuture<Boolean>> joins = new ArrayList<>();
    for (Multiaddr a : config.bootstrap()) {
      joins.add(host.dial(a).thenCompose(admission::connected).exceptionally(e -> {
        log.debug("DHT: bootstrap peer {} failed: {}", a, e.toString());
        return false;
      }));
    }
    return CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new))
        .thenCompose(v -> lookup(MessageType.FIND_NODE, self.bytes(), (p, m) -> { }, () -> false))
        .thenCompose(r -> refresh.refreshBuckets())
        .thenCompose(v -> {
          // Keys provided before we had joined reached nobody: announce them now.
          List<CompletableFuture<Integer>> announced = provided().stream().map(this::announce).toList();
          return CompletableFuture.allOf(announced.toArray(CompletableFuture[]::new));
        })
        .thenApply(v -> table.size());
  }

  @Override
  public CompletableFuture<List<Multiaddr>> findPeer(PeerId peer) {
    return locate(peer).thenApply(FoundPeer::addrs);
  }

  /**
   * {@link #findPeer}, with what the lookup took (peers asked, failures, hops).
   *
   * @param peer the peer
   * @return its addresses and the lookup's figures; all zero when we are connected to it and no
   *     lookup ran
   */
  public CompletableFuture<FoundPeer> locate(PeerId peer) {
    Set<Multiaddr> found = new LinkedHashSet<>();
    for (Peer c : host.connections()) {
      if (c.peerId().equals(peer)) {
        whereIs(peer).forEach(a -> found.add(a.withPeerId(peer)));
      }
    }
    if (!found.isEmpty()) {
      return CompletableFuture.completedFuture(new FoundPeer(List.copyOf(found), new Lookup.Result(List.of(), 0, 0, 0)));
    }
    return lookupPeer(peer);
  }

  /**
   * The FIND_NODE lookup of {@link #findPeer}, run even when we are connected to the peer: what
   * the DHT's routing alone takes to find it. The simulation measures it, since its nodes end up
   * connected to most others.
   *
   * @param peer the peer
   * @return the addresses a reply named it with, and the lookup's figures
   */
  public CompletableFuture<FoundPeer> lookupPeer(PeerId peer) {
    Set<Multiaddr> found = new LinkedHashSet<>();
    return lookup(MessageType.FIND_NODE, peer.bytes(), (from, m) -> {
      for (KadPeer p : KadMessages.peers(m.getCloserPeersList())) {
        if (p.id().equals(peer)) {
          synchronized (found) {
            found.addAll(p.dialable());
          }
        }
      }
    }, () -> {
      synchronized (found) {
        return !found.isEmpty();
      }
    }).thenApply(r -> {
      synchronized (found) {
        return new FoundPeer(List.copyOf(found), r);
      }
    });
  }

  @Override
  public CompletableFuture<Optional<byte[]>> getValue(byte[] key) {
    return new ValueLookup(this, client, validators, records, key.clone()).run();
  }

  @Override
  public CompletableFuture<Integer> putValue(byte[] key, byte[] value) {
    if (!validators.isValid(key, value)) {
      throw new IllegalArgumentException("the record's namespace validator refuses it");
    }
    records.put(key, value, self);
    Message put = KadMessages.putValue(key, value);
    return closest(key).thenCompose(peers -> countSuccesses(peers, p -> client.request(p, put).thenApply(
        echo -> echo.hasRecord() && echo.getRecord().getValue().equals(put.getRecord().getValue()))));
  }

  @Override
  public CompletableFuture<Integer> provide(byte[] key) {
    return providing.provide(key);
  }

  /** Adds ourselves as a provider here and at the k closest peers. */
  CompletableFuture<Integer> announce(byte[] key) {
    return providing.announce(key);
  }

  @Override
  public void stopProviding(byte[] key) {
    providing.stopProviding(key);
  }

  /** {@return the keys we provide, for the republish timer} */
  List<byte[]> provided() {
    return providing.provided();
  }

  @Override
  public CompletableFuture<List<PeerInfo>> findProviders(byte[] key, int max) {
    return providing.findProviders(key, max);
  }

  @Override
  public CompletableFuture<List<PeerInfo>> getClosestPeers(byte[] key) {
    return closest(key).thenApply(DhtPeers::info);
  }

  CompletableFuture<List<KadPeer>> closest(byte[] key) {
    return lookup(MessageType.FIND_NODE, key, (p, m) -> { }, () -> false).thenApply(Lookup.Result::closest);
  }

  static List<PeerInfo> info(Collection<KadPeer> peers) {
    return DhtPeers.info(List.copyOf(peers));
  }

  static CompletableFuture<Integer> countSuccesses(List<KadPeer> peers,
      Function<KadPeer, CompletableFuture<Boolean>> action) {
    AtomicInteger ok = new AtomicInteger();
    CompletableFuture<?>[] all = peers.stream().map(p -> action.apply(p)
        .handle((b, e) -> e == null && b ? ok.incrementAndGet() : 0)).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all).thenApply(v -> ok.get());
  }

  @Override
  public boolean isServer() {
    return serving;
  }

  @Override
  public List<PeerInfo> routingTable() {
    return DhtPeers.info(table.peers());
  }

  /** Expires stored records and provider entries; the refresh timer calls it. */
  void expireStores() {
    records.expire();
    providers.expire();
  }

  /** Stops serving, the timers and watching connections; lookups under way finish. */
  @Override
  public void close() {
    closed = true;
    refresh.close();
    host.removeConnectionListener(onConnection);
    synchronized (this) {
      if (serving) {
        host.removeHandler(KadMessages.PROTOCOL);
        serving = false;
      }
    }
  }

  /** For scheduled work that must not run after close. */
  boolean isClosed() {
    return closed;
  }

  /** For tests and the refresh: the table. */
  RoutingTable table() {
    return table;
  }
}
