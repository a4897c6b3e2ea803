package io.peerlink.relay;

import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.internal.autorelay.AutoRelay;
import io.peerlink.relay.internal.autorelay.IdentifyCandidateSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where {@link AutoRelay} finds relay candidates. It asks its sources when it starts and whenever
 * it has fewer usable candidates than it needs (at most once per
 * {@link AutoRelayConfig#refreshInterval()} while still short, and at once when a source says it
 * has new ones). Candidates are vetted before use, so a source may offer any peer it believes to
 * be a relay.
 *
 * <p>Given: {@link #of(List)} (a fixed list) and {@link IdentifyCandidateSource} (peers seen
 * through identify that offer the hop protocol). A DHT source (go's {@code PeerSource} over
 * provider records) would implement this interface too; none is built yet.
 */
public interface CandidateSource {

  /**
   * Up to {@code wanted} candidates (more are accepted), each {@code <transport>/p2p/<relay id>}.
   * The future may complete on any thread; failing it is logged and treated as none.
   *
   * @param wanted how many candidates are wanted
   * @return a future that completes with the candidates found
   */
  CompletableFuture<List<Multiaddr>> findCandidates(int wanted);

  /**
   * Called once by {@link AutoRelay#start()}: a source that learns of candidates on its own calls
   * {@code newCandidates} then, and AutoRelay asks it again if it is short. Default: nothing.
   *
   * @param newCandidates to run when new candidates are known
   */
  default void watch(Runnable newCandidates) {}

  /** Called by {@link AutoRelay#stop()}. Default: nothing. */
  default void close() {}

  /**
   * A fixed list of relays.
   *
   * @param relays the relays' multiaddrs
   * @return the source
   */
  static CandidateSource of(List<Multiaddr> relays) {
    List<Multiaddr> copy = List.copyOf(relays);
    for (Multiaddr a : copy) {
      if (a.isRelayed() || a.peerId().isEmpty()) {
        throw new IllegalArgumentException("a relay address is <transport>/p2p/<relay id>, not " + a);
      }
    }
    return wanted -> CompletableFuture.completedFuture(copy);
  }
}
