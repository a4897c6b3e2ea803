package io.peerlink.core.internal.noise;

import java.util.List;

/**
 * Chooses the stream muxer agreed inside the Noise handshake ({@code connections/inlined-muxer-negotiation.md}).
 *
 * <p>peerlink's rule: the first entry of the <em>initiator's</em> list that the responder also lists,
 * as the spec says and go-libp2p does. When either side sent no list, or the lists share nothing,
 * the result is null and the muxer is negotiated with multistream-select over the secured
 * connection. The spec says a non-empty pair of lists without overlap MUST fail the handshake;
 * go falls back to multistream-select instead, and js throws only when the remote sent a non-empty
 * list without overlap and otherwise picks from the <em>remote's</em> order. Falling back never
 * breaks a connection either of them would accept, and with a single muxer on each side the orders
 * cannot disagree.
 */
public final class EarlyMuxerNegotiation {
  private EarlyMuxerNegotiation() {}

  /**
   * The agreed muxer, or null to fall back to multistream-select.
   *
   * @param initiatorMuxers the initiator's muxers in preference order (may be empty)
   * @param responderMuxers the responder's muxers (may be empty)
   */
  public static String select(List<String> initiatorMuxers, List<String> responderMuxers) {
    for (String m : initiatorMuxers) {
      if (responderMuxers.contains(m)) {
        return m;
      }
    }
    return null;
  }
}
