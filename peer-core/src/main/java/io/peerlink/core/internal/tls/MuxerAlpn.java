package io.peerlink.core.internal.tls;

import java.util.ArrayList;
import java.util.List;

/**
 * Early muxer negotiation over TLS ALPN ({@code connections/inlined-muxer-negotiation.md}): the
 * client offers its muxers in preference order followed by {@code "libp2p"}; the server picks by
 * the client's preference; {@code "libp2p"} as the result means "negotiate the muxer with
 * multistream-select afterwards".
 */
final class MuxerAlpn {
  /** The ALPN token of the libp2p TLS handshake itself; always offered, last. */
  static final String LIBP2P = "libp2p";

  private MuxerAlpn() {}

  /** The client's ALPN list: {@code muxers} in order, then {@code "libp2p"}. */
  static List<String> offer(List<String> muxers) {
    List<String> out = new ArrayList<>(muxers.size() + 1);
    for (String m : muxers) {
      if (!LIBP2P.equals(m) && !out.contains(m)) {
        out.add(m);
      }
    }
    out.add(LIBP2P);
    return List.copyOf(out);
  }

  /**
   * The server's choice among the client's {@code offered} protocols: the first offered muxer the
   * server supports, otherwise {@code "libp2p"} if offered, otherwise null, which makes the TLS
   * engine abort with a {@code no_application_protocol} alert (the spec's "server MUST abort").
   *
   * <p>A muxer wins over an earlier {@code "libp2p"} entry, as go-libp2p and js-libp2p do; clients
   * put {@code "libp2p"} last anyway.
   */
  static String select(List<String> offered, List<String> supportedMuxers) {
    boolean libp2pOffered = false;
    for (String p : offered) {
      if (LIBP2P.equals(p)) {
        libp2pOffered = true;
      } else if (supportedMuxers.contains(p)) {
        return p;
      }
    }
    return libp2pOffered ? LIBP2P : null;
  }

  /**
   * The early muxer an ALPN result means: the protocol itself for a muxer, null for
   * {@code "libp2p"} or for no ALPN at all (an old peer), which both mean multistream-select.
   */
  static String earlyMuxer(String negotiated) {
    if (negotiated == null || negotiated.isEmpty() || LIBP2P.equals(negotiated)) {
      return null;
    }
    return negotiated;
  }
}
