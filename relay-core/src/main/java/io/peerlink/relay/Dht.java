package io.peerlink.relay;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.internal.dht.PublicKeyValidator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * This peer's view of the Kademlia DHT ({@code /ipfs/kad/1.0.0}, the network go-libp2p and
 * js-libp2p nodes share): find where a peer is, store and fetch small signed records, and
 * announce and find providers of a key. Reached through {@link Manager#dht()}; configured with
 * {@link DhtConfig}. See docs/dht.md.
 *
 * <p>Every operation is an iterative lookup over the network, bounded by the configured request
 * timeout per peer; futures complete on event-loop threads, so do not block in their callbacks.
 * Thread-safe.
 */
public interface Dht {

  /**
   * The rendezvous key relays announce themselves under: the SHA-256 multihash of
   * {@code "/peerlink/relay/v1"}. peerlink's relay server provides it when the DHT is on, and
   * AutoRelay's DHT candidate source asks for its providers first.
   */
  byte[] RELAY_RENDEZVOUS = rendezvousKey("/peerlink/relay/v1");

  /**
   * A peer and the addresses it was found at.
   *
   * @param id the peer
   * @param addrs its addresses, each ending in {@code /p2p/<id>}
   */
  record PeerInfo(PeerId id, List<Multiaddr> addrs) {
    /**
     * Copies the list.
     *
     * @param id the peer
     * @param addrs its addresses, each ending in {@code /p2p/<id>}
     */
    public PeerInfo {
      Objects.requireNonNull(id, "id");
      addrs = List.copyOf(addrs);
    }
  }

  /**
   * Joins the network: connects to the configured bootstrap peers, then looks up our own ID
   * (which fills the routing table with our neighbours) and refreshes the buckets.
   *
   * @return the routing table's size afterwards
   */
  CompletableFuture<Integer> bootstrap();

  /**
   * Finds where {@code peer} can be reached: its addresses if we are connected, else a lookup of
   * its ID until a peer names it with addresses ({@code /p2p-circuit} ones included).
   *
   * @param peer the peer
   * @return its addresses, each ending in {@code /p2p/<id>}; empty if nobody knew it
   */
  CompletableFuture<List<Multiaddr>> findPeer(PeerId peer);

  /**
   * Fetches the best value of {@code key}: a full lookup asking every close peer, the values
   * validated and the best selected by the key's namespace {@link RecordValidator}; peers that
   * held an older value or none are sent the best (as go does).
   *
   * @param key the record key, {@code /ns/...}
   * @return the value, or empty if no peer held a valid one
   */
  CompletableFuture<Optional<byte[]>> getValue(byte[] key);

  /**
   * Stores {@code value} under {@code key} here and at the k peers closest to the key.
   *
   * @param key the record key, {@code /ns/...}
   * @param value the value
   * @return how many remote peers stored it
   * @throws IllegalArgumentException if the namespace's validator refuses the value
   */
  CompletableFuture<Integer> putValue(byte[] key, byte[] value);

  /**
   * Announces that this peer provides {@code key} to the k peers closest to it, and again every
   * republish interval (22 h) until {@link #stopProviding}.
   *
   * @param key the key (a multihash, as a CID's multihash: at most 80 bytes)
   * @return how many remote peers were told
   */
  CompletableFuture<Integer> provide(byte[] key);

  /**
   * Stops republishing {@code key}; entries already out there expire after 48 h.
   *
   * @param key a key given to {@link #provide}
   */
  void stopProviding(byte[] key);

  /**
   * Finds up to {@code max} providers of {@code key}; the lookup ends once that many are known.
   *
   * @param key the key
   * @param max how many at most
   * @return the providers, with the addresses they announced
   */
  CompletableFuture<List<PeerInfo>> findProviders(byte[] key, int max);

  /**
   * Finds the k peers closest to {@code key} that answered.
   *
   * @param key any key
   * @return the peers, closest first
   */
  CompletableFuture<List<PeerInfo>> getClosestPeers(byte[] key);

  /** {@return whether this peer serves the DHT now (server mode) rather than only asking} */
  boolean isServer();

  /** {@return the peers in the routing table} */
  List<PeerInfo> routingTable();

  /**
   * {@return the record key of {@code peer}'s public key, {@code /pk/<binary peer ID>}}
   *
   * @param peer the peer
   */
  static byte[] publicKeyKey(PeerId peer) {
    return PublicKeyValidator.keyFor(peer);
  }

  /**
   * {@return a provider key for a name: the SHA-256 multihash ({@code 0x12 0x20 || digest}) of
   * its UTF-8 bytes, which a CIDv1 with the raw codec wraps in js and go}
   *
   * @param name any name, e.g. {@code "/peerlink/relay/v1"}
   */
  static byte[] rendezvousKey(String name) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      byte[] mh = new byte[2 + digest.length];
      mh[0] = 0x12;
      mh[1] = 0x20;
      System.arraycopy(digest, 0, mh, 2, digest.length);
      return mh;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
