package io.peerlink.core.multiaddr;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Decides which addresses are public: worth telling other peers (DCUtR, AutoNAT, identify) and
 * worth putting in a relay reservation. The {@linkplain #internet() default} refuses loopback,
 * private (RFC 1918, RFC 4193), link-local, carrier-grade NAT, multicast, unspecified,
 * benchmarking and documentation ranges, and every {@code /p2p-circuit} address; a DNS name counts
 * as public (it names a host for others to find). A test network that uses documentation ranges
 * (the NAT testbed uses 203.0.113.0/24 and 198.51.100.0/24) adds them with {@link #withPublic}.
 *
 * <p>Immutable and thread-safe.
 */
public final class AddressFilter implements Predicate<Multiaddr> {
  private static final List<Cidr> NON_PUBLIC = List.of(
      Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"),
      Cidr.parse("127.0.0.0/8"), Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"),
      Cidr.parse("192.0.0.0/24"), Cidr.parse("192.0.2.0/24"), Cidr.parse("192.168.0.0/16"),
      Cidr.parse("198.18.0.0/15"), Cidr.parse("198.51.100.0/24"), Cidr.parse("203.0.113.0/24"),
      Cidr.parse("224.0.0.0/3"), Cidr.parse("::/128"), Cidr.parse("::1/128"),
      Cidr.parse("fc00::/7"), Cidr.parse("fe80::/10"), Cidr.parse("ff00::/8"),
      Cidr.parse("2001:db8::/32"));

  private final List<Cidr> extraPublic;
  private final boolean everything;

  private AddressFilter(List<Cidr> extraPublic, boolean everything) {
    this.extraPublic = List.copyOf(extraPublic);
    this.everything = everything;
  }

  /** {@return the public Internet only} */
  public static AddressFilter internet() {
    return new AddressFilter(List.of(), false);
  }

  /** {@return a filter that counts every IP address as public (tests on loopback)} */
  public static AddressFilter everything() {
    return new AddressFilter(List.of(), true);
  }

  /**
   * This filter, also counting {@code cidr} (for example {@code "203.0.113.0/24"}) as public.
   *
   * @param cidr the range, such as {@code "203.0.113.0/24"}
   * @return the wider filter
   */
  public AddressFilter withPublic(String cidr) {
    List<Cidr> more = new ArrayList<>(extraPublic);
    more.add(Cidr.parse(cidr));
    return new AddressFilter(more, everything);
  }

  /**
   * This filter, also counting each of {@code cidrs} as public.
   *
   * @param cidrs ranges such as {@code "203.0.113.0/24"}
   * @return the wider filter
   */
  public AddressFilter withPublic(Collection<String> cidrs) {
    AddressFilter f = this;
    for (String c : cidrs) {
      f = f.withPublic(c);
    }
    return f;
  }

  /**
   * Whether {@code ip} is public.
   *
   * @param ip the address
   * @return whether it is public
   */
  public boolean isPublic(InetAddress ip) {
    if (everything) {
      return true;
    }
    for (Cidr c : extraPublic) {
      if (c.contains(ip)) {
        return true;
      }
    }
    for (Cidr c : NON_PUBLIC) {
      if (c.contains(ip)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code addr} is a direct TCP or QUIC v1 address (no {@code /p2p-circuit}) with a
   * public IP or a DNS name.
   *
   * @param addr the address
   * @return whether it is public
   */
  @Override
  public boolean test(Multiaddr addr) {
    if (addr == null || addr.isRelayed()) {
      return false;
    }
    InetSocketAddress s = addr.withoutPeerId().toTransportSocketAddress().orElse(null);
    return s != null && (everything || s.isUnresolved() || isPublic(s.getAddress()));
  }

  /** An IP prefix. */
  record Cidr(byte[] prefix, int bits) {
    static Cidr parse(String text) {
      Objects.requireNonNull(text, "cidr");
      int slash = text.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("not a CIDR (need <ip>/<bits>): " + text);
      }
      String ip = text.substring(0, slash);
      if (!ip.matches("[0-9a-fA-F:.]+")) {
        throw new IllegalArgumentException("not an IP address literal in " + text);
      }
      byte[] raw;
      try {
        raw = InetAddress.getByName(ip).getAddress(); // a literal: no DNS lookup
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address in " + text, e);
      }
      int bits;
      try {
        bits = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in " + text, e);
      }
      if (bits < 0 || bits > raw.length * 8) {
        throw new IllegalArgumentException("prefix length out of range in " + text);
      }
      return new Cidr(raw, bits);
    }

    boolean contains(InetAddress ip) {
      byte[] a = ip.getAddress();
      if (a.length != prefix.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (prefix[full] & mask);
    }
  }
}
