package io.peerlink.core.multiaddr;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.internal.Varint;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A multiaddr: a path of protocol components such as {@code /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…}.
 * Binary form {@code (uvarint(code) value)*}; text form {@code (/name/value)*}.
 *
 * <p>Immutable; equal when the binary forms are equal. Every value is validated on construction,
 * and protocols peerlink does not know are rejected, since an unknown code's value size is unknown.
 *
 * <p>Malformed input is reported with {@link IllegalArgumentException} from both {@link #parse} and
 * {@link #fromBytes}. Binary multiaddrs arrive inside protobufs that have already been framed and
 * bounded, and the caller decides whether one bad address is fatal (identify skips it), so a checked
 * exception would not help; this matches {@link PeerId#fromBytes}.
 */
public final class Multiaddr {
  private final byte[] bytes;
  private final List<Component> components;

  private Multiaddr(List<Component> components) {
    this.components = List.copyOf(components);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Component c : this.components) {
      out.writeBytes(Varint.encode(c.protocol().code()));
      byte[] v = c.value();
      if (c.protocol().size() == Protocol.VARIABLE) {
        out.writeBytes(Varint.encode(v.length));
      }
      out.writeBytes(v);
    }
    this.bytes = out.toByteArray();
  }

  /**
   * An address made of {@code components}, in order. May be empty: the empty address is what
   * decapsulating everything leaves, and it is never produced by parsing.
   *
   * @param components the components
   * @return the address
   */
  public static Multiaddr of(List<Component> components) {
    Objects.requireNonNull(components, "components");
    return new Multiaddr(components);
  }

  /**
   * An address made of {@code components}, in order.
   *
   * @param components the components
   * @return the address
   */
  public static Multiaddr of(Component... components) {
    return of(Arrays.asList(components));
  }

  /**
   * Parses the text form. The old name {@code /ipfs/} is accepted for {@code /p2p/}; a peer ID may
   * be in base58 or CID form; trailing slashes are ignored.
   *
   * @param text the text form, such as {@code /ip4/127.0.0.1/tcp/4001}
   * @return the address
   * @throws IllegalArgumentException if empty, not starting with {@code /}, naming an unknown
   *     protocol, missing a value, or holding an invalid value
   */
  public static Multiaddr parse(String text) {
    Objects.requireNonNull(text, "text");
    String s = text;
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty multiaddr");
    }
    if (s.charAt(0) != '/') {
      throw new IllegalArgumentException("multiaddr must start with '/': " + text);
    }
    String[] parts = s.substring(1).split("/", -1);
    List<Component> out = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String name = parts[i];
      Protocol p = Protocol.forName(name)
          .orElseThrow(() -> new IllegalArgumentException("unknown multiaddr protocol '" + name + "' in " + text));
      if (!p.hasValue()) {
        out.add(Component.of(p));
        continue;
      }
      if (++i == parts.length) {
        throw new IllegalArgumentException("/" + p + " needs a value in " + text);
      }
      out.add(Component.of(p, parts[i]));
    }
    return new Multiaddr(out);
  }

  /**
   * Decodes the binary form.
   *
   * @param bytes the binary form
   * @return the address
   * @throws IllegalArgumentException if empty, truncated, holding an unknown protocol code, a
   *     malformed varint, or an invalid value
   */
  public static Multiaddr fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 0) {
      throw new IllegalArgumentException("empty multiaddr");
    }
    List<Component> out = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < bytes.length) {
      long code = Varint.readArgument(bytes, pos, "malformed multiaddr");
      Protocol p = Protocol.forCode(code)
          .orElseThrow(() -> new IllegalArgumentException("unknown multiaddr protocol code " + code));
      long len = p.size() == Protocol.VARIABLE
          ? Varint.readArgument(bytes, pos, "malformed multiaddr")
          : p.size() / 8;
      if (len > bytes.length - pos[0]) {
        throw new IllegalArgumentException("truncated multiaddr: /" + p + " value");
      }
      int start = pos[0];
      pos[0] += (int) len;
      out.add(new Component(p, Arrays.copyOfRange(bytes, start, pos[0])));
    }
    return new Multiaddr(out);
  }

  /**
   * The address of a resolved TCP socket address: {@code /ip4/…/tcp/…} or {@code /ip6/…/tcp/…}.
   * An IPv6 scope (zone) is dropped.
   *
   * @param address a resolved socket address
   * @return the address
   * @throws IllegalArgumentException if {@code address} is unresolved
   */
  public static Multiaddr fromSocketAddress(InetSocketAddress address) {
    InetAddress ip = address.getAddress();
    if (address.isUnresolved() || ip == null) {
      throw new IllegalArgumentException("unresolved socket address: " + address);
    }
    Protocol ipProto = ip instanceof Inet4Address ? Protocol.IP4 : Protocol.IP6;
    byte[] port = {(byte) (address.getPort() >>> 8), (byte) address.getPort()};
    return of(new Component(ipProto, ip.getAddress()), new Component(Protocol.TCP, port));
  }

  /**
   * The socket address to dial for a plain TCP address: {@code /ip4|ip6/…/tcp/…}, or
   * {@code /dns|dns4|dns6/…/tcp/…} (returned unresolved), optionally followed by {@code /p2p/…}.
   * Empty for anything else (other transports, relayed addresses, {@code dnsaddr}). An IPv4-mapped
   * {@code ip6} value yields an {@link Inet4Address}, as {@link InetAddress#getByAddress(byte[])} does.
   *
   * @return the socket address, if this is a plain TCP address
   */
  public Optional<InetSocketAddress> toSocketAddress() {
    int n = components.size();
    if (n < 2 || n > 3 || components.get(1).protocol() != Protocol.TCP
        || (n == 3 && components.get(2).protocol() != Protocol.P2P)) {
      return Optional.empty();
    }
    Component host = components.get(0);
    byte[] p = components.get(1).value();
    int port = ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
    switch (host.protocol()) {
      case IP4, IP6 -> {
        try {
          return Optional.of(new InetSocketAddress(InetAddress.getByAddress(host.value()), port));
        } catch (UnknownHostException e) {
          throw new IllegalStateException("validated address rejected", e);
        }
      }
      case DNS, DNS4, DNS6 -> {
        return Optional.of(InetSocketAddress.createUnresolved(host.textValue(), port));
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  /**
   * Whether this is a QUIC v1 address: {@code /ip4|ip6|dns|dns4|dns6/…/udp/N/quic-v1}, optionally
   * followed by {@code /p2p/…}.
   *
   * @return whether this is a QUIC v1 address
   */
  public boolean isQuic() {
    List<Component> c = withoutPeerId().components;
    return c.size() == 3 && c.get(1).protocol() == Protocol.UDP && c.get(2).protocol() == Protocol.QUIC_V1;
  }

  /**
   * The socket address to dial for a direct address of either transport peerlink speaks: a plain
   * TCP address as {@link #toSocketAddress()}, or a QUIC v1 address ({@link #isQuic()}), whose
   * socket address is its UDP one. Empty for anything else (relayed addresses, other transports).
   *
   * @return the socket address, if this is a TCP or QUIC v1 address
   */
  public Optional<InetSocketAddress> toTransportSocketAddress() {
    if (!isQuic()) {
      return toSocketAddress();
    }
    List<Component> c = withoutPeerId().components;
    Component host = c.get(0);
    byte[] p = c.get(1).value();
    int port = ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
    return switch (host.protocol()) {
      case IP4, IP6 -> {
        try {
          yield Optional.of(new InetSocketAddress(InetAddress.getByAddress(host.value()), port));
        } catch (UnknownHostException e) {
          throw new IllegalStateException("validated address rejected", e);
        }
      }
      case DNS, DNS4, DNS6 -> Optional.of(InetSocketAddress.createUnresolved(host.textValue(), port));
      default -> Optional.empty();
    };
  }

  /** {@return a copy of the binary form} */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** {@return the components, in order (unmodifiable)} */
  public List<Component> components() {
    return components;
  }

  /**
   * The peer this address reaches: the value of a trailing {@code /p2p} component. For a relayed
   * address {@code …/p2p/<relay>/p2p-circuit/p2p/<target>} that is the target. Empty when the address
   * does not end in {@code /p2p}, including {@code …/p2p/<relay>/p2p-circuit}, where the relay's ID is
   * not the ID of the peer the address names.
   *
   * @return the peer ID, if the address ends in one
   */
  public Optional<PeerId> peerId() {
    if (components.isEmpty()) {
      return Optional.empty();
    }
    Component last = components.get(components.size() - 1);
    return last.protocol() == Protocol.P2P
        ? Optional.of(PeerId.fromBytes(last.value()))
        : Optional.empty();
  }

  /**
   * This address ending in {@code /p2p/<id>}: appended, or this address itself if it already ends
   * with that peer ID.
   *
   * @param id the peer ID
   * @return the address with {@code /p2p/<id>}
   * @throws IllegalArgumentException if the address already ends with a different peer ID
   */
  public Multiaddr withPeerId(PeerId id) {
    Objects.requireNonNull(id, "id");
    Optional<PeerId> existing = peerId();
    if (existing.isPresent()) {
      if (existing.get().equals(id)) {
        return this;
      }
      throw new IllegalArgumentException("address " + this + " already names peer " + existing.get());
    }
    return encapsulate(of(new Component(Protocol.P2P, id.bytes())));
  }

  /** {@return this address without a trailing {@code /p2p} component (this address if there is none)} */
  public Multiaddr withoutPeerId() {
    return peerId().isPresent() ? of(components.subList(0, components.size() - 1)) : this;
  }

  /**
   * This address followed by {@code inner}, e.g. {@code /ip4/…/tcp/…} + {@code /p2p/…}.
   *
   * @param inner the address to append
   * @return the combined address
   */
  public Multiaddr encapsulate(Multiaddr inner) {
    List<Component> all = new ArrayList<>(components);
    all.addAll(inner.components);
    return of(all);
  }

  /**
   * This address cut before the last occurrence of {@code outer}'s component sequence, or this
   * address if it does not occur (go-multiaddr's {@code Decapsulate}).
   *
   * @param outer the components to cut at
   * @return the shorter address
   */
  public Multiaddr decapsulate(Multiaddr outer) {
    int n = outer.components.size();
    if (n == 0) {
      return this;
    }
    for (int i = components.size() - n; i >= 0; i--) {
      if (components.subList(i, i + n).equals(outer.components)) {
        return of(components.subList(0, i));
      }
    }
    return this;
  }

  /**
   * This address cut before the last component of protocol {@code p}, or this address if there is
   * none; {@code decapsulate(Protocol.P2P_CIRCUIT)} gives a relayed address's relay part.
   *
   * @param p the protocol to cut at
   * @return the shorter address
   */
  public Multiaddr decapsulate(Protocol p) {
    for (int i = components.size() - 1; i >= 0; i--) {
      if (components.get(i).protocol() == p) {
        return of(components.subList(0, i));
      }
    }
    return this;
  }

  /**
   * Whether any component is of protocol {@code p}.
   *
   * @param p the protocol
   * @return whether a component is of that protocol
   */
  public boolean contains(Protocol p) {
    for (Component c : components) {
      if (c.protocol() == p) {
        return true;
      }
    }
    return false;
  }

  /** {@return whether the address goes through a relay (contains {@code /p2p-circuit})} */
  public boolean isRelayed() {
    return contains(Protocol.P2P_CIRCUIT);
  }

  /** Equal when the binary forms are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Multiaddr m && Arrays.equals(bytes, m.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The canonical text form ({@code /p2p/} with a base58 peer ID; RFC 5952 IPv6). */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Component c : components) {
      sb.append(c);
    }
    return sb.toString();
  }
}
