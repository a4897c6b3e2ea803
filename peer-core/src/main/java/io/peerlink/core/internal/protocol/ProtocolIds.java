package io.peerlink.core.internal.protocol;

/**
 * The libp2p protocol IDs peerlink negotiates with multistream-select. They are compared as exact
 * strings on the wire, so they must match go-libp2p and js-libp2p byte for byte.
 */
public final class ProtocolIds {
  /** multistream-select 1.0 itself; the header both sides send first. */
  public static final String MULTISTREAM = "/multistream/1.0.0";
  /** TLS 1.3 security (go-libp2p's first choice). */
  public static final String TLS = "/tls/1.0.0";
  /** Noise XX security (the interop baseline). */
  public static final String NOISE = "/noise";
  /** The yamux stream muxer. */
  public static final String YAMUX = "/yamux/1.0.0";
  /** Identify, query form: the responder writes its Identify and closes. */
  public static final String IDENTIFY = "/ipfs/id/1.0.0";
  /** Identify, push form: the opener writes a (possibly partial) Identify and closes. */
  public static final String IDENTIFY_PUSH = "/ipfs/id/push/1.0.0";
  /** Ping: 32 random bytes echoed back. */
  public static final String PING = "/ipfs/ping/1.0.0";
  /** peerlink's echo test protocol: every byte is written back; js test peers implement it too. */
  public static final String ECHO = "/echo/1.0.0";
  /** Circuit relay v2, the client-to-relay side (RESERVE, CONNECT). */
  public static final String RELAY_HOP = "/libp2p/circuit/relay/0.2.0/hop";
  /** Circuit relay v2, the relay-to-target side (CONNECT). */
  public static final String RELAY_STOP = "/libp2p/circuit/relay/0.2.0/stop";
  /** Direct connection upgrade through relay (hole punching). */
  public static final String DCUTR = "/libp2p/dcutr";
  /** AutoNAT v1 dial-back requests. */
  public static final String AUTONAT = "/libp2p/autonat/1.0.0";

  private ProtocolIds() {}
}
