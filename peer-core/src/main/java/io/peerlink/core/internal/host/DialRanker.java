package io.peerlink.core.internal.host;

import io.peerlink.core.TcpDelays;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Puts a peer's addresses in the order a dial tries them and says how long each waits behind the
 * one before, as go-libp2p's dial ranker and RFC 8305 (happy eyeballs) do: loopback first, then
 * private, then public addresses, since a nearer address is likelier to answer quickly; within
 * each of those groups QUIC addresses before TCP ones, since QUIC reaches a usable connection a
 * round trip sooner; within each transport IPv6 and IPv4 alternate, IPv6 first, so that one
 * broken address family does not hold up the other; otherwise the given order stands. The
 * {@link DialRace} staggers its attempts in this order.
 */
final class DialRanker {
  private DialRanker() {}

  /** The targets in dial order; the input is not changed. */
  static List<DialTarget> rank(List<DialTarget> targets) {
    List<DialTarget> sorted = new ArrayList<>(targets);
    sorted.sort(Comparator.comparingInt(DialRanker::group)); // stable
    List<DialTarget> out = new ArrayList<>();
    int i = 0;
    while (i < sorted.size()) {
      int group = group(sorted.get(i));
      List<DialTarget> v6 = new ArrayList<>();
      List<DialTarget> v4 = new ArrayList<>();
      while (i < sorted.size() && group(sorted.get(i)) == group) {
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

  /**
   * How long each of {@code ranked} waits after the one before it started (the first: 0): the
   * first TCP address after a QUIC one waits its scope's {@link TcpDelays TCP delay}, every other
   * address {@code stagger}.
   */
  static List<Duration> gaps(List<DialTarget> ranked, Duration stagger, TcpDelays tcpDelays) {
    List<Duration> gaps = new ArrayList<>(ranked.size());
    for (int i = 0; i < ranked.size(); i++) {
      if (i == 0) {
        gaps.add(Duration.ZERO);
      } else if (quic(ranked.get(i - 1)) && !quic(ranked.get(i))) {
        gaps.add(switch (scope(ranked.get(i).socket().getAddress())) {
          case 0 -> tcpDelays.loopback();
          case 1 -> tcpDelays.privateAddress();
          default -> tcpDelays.publicAddress();
        });
      } else {
        gaps.add(stagger);
      }
    }
    return gaps;
  }

  /** Scope first, then transport: loopback QUIC, loopback TCP, private QUIC, and so on. */
  private static int group(DialTarget t) {
    return 2 * scope(t.socket().getAddress()) + (quic(t) ? 0 : 1);
  }

  private static boolean quic(DialTarget t) {
    return TransportAddress.isQuic(t.addr());
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
