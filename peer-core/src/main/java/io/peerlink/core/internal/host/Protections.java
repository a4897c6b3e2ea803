package io.peerlink.core.internal.host;

import io.peerlink.core.identity.PeerId;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which peers' connections must not be closed to save resources, and why: each reason is a tag
 * ("relay-reservation", "circuit", "hole-punch"), so two users of one peer each hold their own
 * and the peer stays protected until the last lets go. go-libp2p's connection manager protects by
 * peer and tag the same way.
 */
final class Protections {
  private final ConcurrentHashMap<PeerId, Set<String>> tags = new ConcurrentHashMap<>();

  void protect(PeerId peer, String tag) {
    Objects.requireNonNull(tag, "tag");
    tags.computeIfAbsent(Objects.requireNonNull(peer, "peer"), p -> ConcurrentHashMap.newKeySet())
        .add(tag);
  }

  boolean unprotect(PeerId peer, String tag) {
    boolean[] stillProtected = {false};
    tags.computeIfPresent(
        peer,
        (p, set) -> {
          set.remove(tag);
          stillProtected[0] = !set.isEmpty();
          return set.isEmpty() ? null : set;
        });
    return stillProtected[0];
  }

  boolean isProtected(PeerId peer) {
    Set<String> set = tags.get(peer);
    return set != null && !set.isEmpty();
  }
}
