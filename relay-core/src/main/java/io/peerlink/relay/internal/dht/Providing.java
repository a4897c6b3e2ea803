package io.peerlink.relay.internal.dht;

import io.peerlink.core.identity.PeerId;
import io.peerlink.relay.Dht.PeerInfo;
import io.peerlink.relay.internal.proto.KadProtos.Message;
import io.peerlink.relay.internal.proto.KadProtos.Message.MessageType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Provider records over the network: announcing the keys we provide (ADD_PROVIDER to the k
 * closest peers, no reply expected, as go and js), remembering them for the republish timer, and
 * the GET_PROVIDERS lookup that stops once enough providers are known. Thread-safe.
 */
final class Providing {
  /** A key as a set element. */
  private record KeyBytes(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof KeyBytes k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  private final KadDht dht;
  private final KadClient client;
  private final ProviderStore providers;
  private final PeerAddresses addresses;
  private final Set<KeyBytes> provided = new LinkedHashSet<>();

  Providing(KadDht dht, KadClient client, ProviderStore providers, PeerAddresses addresses) {
    this.dht = dht;
    this.client = client;
    this.providers = providers;
    this.addresses = addresses;
  }

  CompletableFuture<Integer> provide(byte[] key) {
    if (key.length == 0 || key.length > ProviderStore.MAX_KEY_BYTES) {
      throw new IllegalArgumentException("a provider key is 1 to 80 bytes, not " + key.length);
    }
    synchronized (provided) {
      provided.add(new KeyBytes(key.clone()));
    }
    return announce(key);
  }

  /** Adds ourselves as a provider here and at the k closest peers; completes with how many were told. */
  CompletableFuture<Integer> announce(byte[] key) {
    KadPeer me = dht.selfPeer();
    providers.add(key, me);
    Message add = KadMessages.addProvider(key, me);
    return dht.closest(key).thenCompose(peers ->
        KadDht.countSuccesses(peers, p -> client.send(p, add).thenApply(v -> true)));
  }

  void stopProviding(byte[] key) {
    synchronized (provided) {
      provided.remove(new KeyBytes(key));
    }
  }

  List<byte[]> provided() {
    synchronized (provided) {
      return provided.stream().map(KeyBytes::bytes).toList();
    }
  }

  CompletableFuture<List<PeerInfo>> findProviders(byte[] key, int max) {
    Map<PeerId, KadPeer> found = new LinkedHashMap<>();
    for (KadPeer p : providers.get(key, max)) {
      found.put(p.id(), p);
    }
    if (found.size() >= max) {
      return CompletableFuture.completedFuture(KadDht.info(found.values()));
    }
    return dht.lookup(MessageType.GET_PROVIDERS, key, (from, m) -> {
      for (KadPeer p : KadMessages.peers(m.getProviderPeersList())) {
        synchronized (found) {
          if (found.size() < max) {
            found.putIfAbsent(p.id(), p);
          }
        }
        addresses.learn(p);
      }
    }, () -> {
      synchronized (found) {
        return found.size() >= max;
      }
    }).thenApply(r -> {
      synchronized (found) {
        return KadDht.info(found.values());
      }
    });
  }
}
