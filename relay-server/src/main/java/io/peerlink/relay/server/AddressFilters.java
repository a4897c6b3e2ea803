package io.peerlink.relay.server;

import io.peerlink.core.multiaddr.Multiaddr;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Filters for the relay addresses put in reservations: a client appends {@code /p2p-circuit} to
 * each, so they must be addresses other peers can reach.
 */
public final class AddressFilters {
  private AddressFilters() {}

  /**
   * Every address. For tests and private networks.
   *
   * @return the filter
   */
  public static Predicate<Multiaddr> any() {
    return a -> true;
  }

  /**
   * Globally routable addresses only (go's {@code manet.IsPublicAddr} in spirit): not loopback,
   * private (RFC 1918, fc00::/7), link-local, CGNAT (100.64/10), unspecified, multicast, or the
   * documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32). DNS names count
   * as public.
   *
   * @return the filter
   */
  public static Predicate<Multiaddr> publicOnly() {
    return a -> {
      Optional<InetSocketAddress> s = a.withoutPeerId().toSocketAddress();
      if (s.isEmpty()) {
        return false;
      }
      if (s.get().isUnresolved()) {
        return true;
      }
      return isPublic(s.get().getAddress());
    };
  }

  /**
   * {@link #publicOnly()} plus the given CIDR ranges, e.g. {@code "203.0.113.0/24"} for a testbed
   * that uses the documentation ranges as its "internet".
   *
   * @param cidrs the extra ranges
   * @return the filter
   * @throws IllegalArgumentException if a range is not {@code address/prefix}
   */
  public static Predicate<Multiaddr> publicOr(List<String> cidrs) {
    List<Cidr> ranges = new ArrayList<>();
    for (String c : cidrs) {
      ranges.add(Cidr.parse(c));
    }
    Predicate<Multiaddr> pub = publicOnly();
    return a -> pub.test(a) || a.withoutPeerId().toSocketAddress()
        .filter(s -> !s.isUnresolved())
        .map(s -> ranges.stream().anyMatch(r -> r.contains(s.getAddress())))
        .orElse(false);
  }

  static boolean isPublic(InetAddress ip) {
    if (ip.isLoopbackAddress() || ip.isAnyLocalAddress() || ip.isLinkLocalAddress()
        || ip.isSiteLocalAddress() || ip.isMulticastAddress()) {
      return false;
    }
    byte[] b = ip.getAddress();
    if (ip instanceof Inet4Address) {
      int o0 = b[0] & 0xFF;
      int o1 = b[1] & 0xFF;
      int o2 = b[2] & 0xFF;
      return !(o0 == 0
          || (o0 == 100 && (o1 & 0xC0) == 64)
          || (o0 == 192 && o1 == 0 && o2 == 2)
          || (o0 == 198 && o1 == 51 && o2 == 100)
          || (o0 == 203 && o1 == 0 && o2 == 113)
          || (o0 == 198 && (o1 & 0xFE) == 18)
          || o0 >= 240);
    }
    if (ip instanceof Inet6Address) {
      int h0 = b[0] & 0xFF;
      if ((h0 & 0xFE) == 0xFC) {
        return false; // unique local
      }
      if (h0 == 0x20 && (b[1] & 0xFF) == 0x01 && (b[2] & 0xFF) == 0x0D && (b[3] & 0xFF) == 0xB8) {
        return false; // documentation
      }
    }
    return true;
  }

  /** An address range {@code address/prefix}. */
  record Cidr(byte[] network, int prefix) {
    static Cidr parse(String text) {
      int slash = text.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("CIDR range needs a /prefix: " + text);
      }
      try {
        InetAddress a = InetAddress.getByName(text.substring(0, slash));
        int prefix = Integer.parseInt(text.substring(slash + 1));
        if (prefix < 0 || prefix > a.getAddress().length * 8 || !Character.isDigit(text.charAt(0)) && text.indexOf(':') < 0) {
          throw new IllegalArgumentException("bad CIDR range: " + text);
        }
        return new Cidr(a.getAddress(), prefix);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("bad CIDR range: " + text, e);
      }
    }

    boolean contains(InetAddress ip) {
      byte[] b = ip.getAddress();
      if (b.length != network.length) {
        return false;
      }
      for (int i = 0; i < prefix; i++) {
        int mask = 0x80 >>> (i % 8);
        if ((b[i / 8] & mask) != (network[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
