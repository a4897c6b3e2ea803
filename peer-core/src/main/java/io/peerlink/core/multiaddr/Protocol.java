package io.peerlink.core.multiaddr;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The multiaddr protocols peerlink understands, with their codes, value sizes and text names from
 * multiformats {@code protocols.csv}. An address holding any other protocol cannot be decoded, since
 * an unknown code's value size is unknown.
 */
public enum Protocol {
  /** IPv4 address, 4 bytes, dotted quad. */
  IP4(4, 32, "ip4"),
  /** TCP port, 2 bytes big-endian. */
  TCP(6, 16, "tcp"),
  /** IPv6 address, 16 bytes, RFC 5952 text. */
  IP6(41, 128, "ip6"),
  /** IPv6 zone (scope) of the following {@code ip6}, a string without {@code /}. */
  IP6ZONE(42, Protocol.VARIABLE, "ip6zone"),
  /** Host name, resolved to A and AAAA records. */
  DNS(53, Protocol.VARIABLE, "dns"),
  /** Host name, resolved to A records only. */
  DNS4(54, Protocol.VARIABLE, "dns4"),
  /** Host name, resolved to AAAA records only. */
  DNS6(55, Protocol.VARIABLE, "dns6"),
  /** Domain whose {@code _dnsaddr} TXT records list multiaddrs. */
  DNSADDR(56, Protocol.VARIABLE, "dnsaddr"),
  /** UDP port, 2 bytes big-endian. */
  UDP(273, 16, "udp"),
  /** Circuit relay v2 hop; no value. */
  P2P_CIRCUIT(290, 0, "p2p-circuit"),
  /** Peer ID, binary multihash; printed base58btc. Also parsed under its old name {@code ipfs}. */
  P2P(421, Protocol.VARIABLE, "p2p"),
  /** TLS security; no value. */
  TLS(448, 0, "tls"),
  /** TLS server name indication, a host name. */
  SNI(449, Protocol.VARIABLE, "sni"),
  /** Noise security; no value. */
  NOISE(454, 0, "noise"),
  /** QUIC draft-29; no value. */
  QUIC(460, 0, "quic"),
  /** QUIC version 1 (RFC 9000); no value. */
  QUIC_V1(461, 0, "quic-v1"),
  /** WebTransport; no value. */
  WEBTRANSPORT(465, 0, "webtransport"),
  /** WebSocket; no value. */
  WS(477, 0, "ws"),
  /** Secure WebSocket; no value. */
  WSS(478, 0, "wss");

  /** {@link #size()} of a protocol whose value is length-prefixed. */
  public static final int VARIABLE = -1;

  private static final Map<Long, Protocol> BY_CODE = new HashMap<>();
  private static final Map<String, Protocol> BY_NAME = new HashMap<>();

  static {
    for (Protocol p : values()) {
      BY_CODE.put((long) p.code, p);
      BY_NAME.put(p.protocolName, p);
    }
    BY_NAME.put("ipfs", P2P);
  }

  private final int code;
  private final int size;
  private final String protocolName;

  Protocol(int code, int size, String protocolName) {
    this.code = code;
    this.size = size;
    this.protocolName = protocolName;
  }

  /** {@return the multicodec code, written as a varint in binary multiaddrs} */
  public int code() {
    return code;
  }

  /** {@return the value's size in bits; 0 for no value; {@link #VARIABLE} for a varint-length-prefixed value} */
  public int size() {
    return size;
  }

  /** {@return whether components of this protocol carry a value} */
  public boolean hasValue() {
    return size != 0;
  }

  /**
   * The text name, e.g. {@code "p2p-circuit"}.
   *
   * @return the text name
   */
  public String protocolName() {
    return protocolName;
  }

  /**
   * The protocol with this code, if peerlink knows it.
   *
   * @param code the multicodec code
   * @return the protocol, if known
   */
  public static Optional<Protocol> forCode(long code) {
    return Optional.ofNullable(BY_CODE.get(code));
  }

  /**
   * The protocol with this text name (or the alias {@code ipfs}), if peerlink knows it.
   *
   * @param name the text name
   * @return the protocol, if known
   */
  public static Optional<Protocol> forName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** Same as {@link #protocolName()}. */
  @Override
  public String toString() {
    return protocolName;
  }
}
