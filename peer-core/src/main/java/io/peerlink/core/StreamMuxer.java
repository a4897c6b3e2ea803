package io.peerlink.core;

/** The stream multiplexers peerlink speaks, with their multistream-select IDs. */
public enum StreamMuxer {
  /** yamux ({@code /yamux/1.0.0}): flow control per stream; every libp2p implementation's default. */
  YAMUX("/yamux/1.0.0"),
  /**
   * mplex ({@code /mplex/6.7.0}): no flow control, deprecated in go and js. For talking to old
   * peers and for tests; never in the defaults, used only when a configuration names it. A stream
   * whose unread data passes {@link PeerConfig#mplexMaxBufferedBytes()} is reset, as go does.
   */
  MPLEX("/mplex/6.7.0");

  private final String protocolId;

  StreamMuxer(String protocolId) {
    this.protocolId = protocolId;
  }

  /** {@return the multistream-select protocol ID} */
  public String protocolId() {
    return protocolId;
  }

  /**
   * The muxer with this ID, or null.
   *
   * @param id a protocol ID such as {@code /yamux/1.0.0}
   * @return the muxer, or null if none has that ID
   */
  public static StreamMuxer fromProtocolId(String id) {
    for (StreamMuxer m : values()) {
      if (m.protocolId.equals(id)) {
        return m;
      }
    }
    return null;
  }
}
