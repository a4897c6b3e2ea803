package io.peerlink.core.internal.host;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Puts a peer's addresses in the order a dial tries them, as go-libp2p's dial ranker and RFC 8305
 * (happy eyeballs) do: loopback first, then private, then public addresses, since a nearer
 * address is likelier to answer quickly; within each group IPv6 and IPv4 alternate, IPv6 first,
 * so that one broken address family does not hold up the other; otherwise the given order stands.
 * The {@link DialRace} staggers its attempts in this order.
 */
final class DialRanker {
  private DialRanker() {}

  /** The targets in dial order; the input is not changed. */
  static List<DialTarget> rank(List<DialTarget> targets) {
    List<DialTarget> sorted = new ArrayList<>(targets);
    sorted.sort(Comparator.comparingInt(t -> scope(t.socket().getAddress()))); // stable
    List<DialTarget> out = new ArrayList<>();
    int i = 0;
    while (i < sorted.size()) {
      int scope = scope(sorted.get(i).socket().getAddress());
      List<DialTarget> v6 = new ArrayList<>();
      List<DialTarget> v4 = new ArrayList<>();
      while (i < sorted.size() && scope(sorted.get(i).socket().getAddress()) == scope) {
        (sorted.get(i).socket().getAddress() instanceof Inet6Address ? v6 : v4).add(sorted.get(i));
        i++;
      }
      for (int k = 0; k < Math.max(v6.size(), v4.size()); k++) {
        if (k < v6.size()) {
          out.add(v6.get(k));
        }
        if (k < v4.size()) {
          out.add(v4.get(k));
        }
      }
    }
    return out;
  }

  /** 0 loopback, 1 private (site-local, link-local, IPv6 unique local fc00::/7), 2 public. */
  private static int scope(InetAddress a) {
    if (a.isLoopbackAddress()) {
      return 0;
    }
    if (a.isSiteLocalAddress() || a.isLinkLocalAddress()
        || (a instanceof Inet6Address && (a.getAddress()[0] & 0xFE) == 0xFC)) {
      return 1;
    }
    return 2;
  }
}
