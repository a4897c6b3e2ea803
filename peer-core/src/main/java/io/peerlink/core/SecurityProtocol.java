package io.peerlink.core;

/** The security protocols peerlink speaks, with their multistream-select IDs. */
public enum SecurityProtocol {
  /** libp2p TLS 1.3 ({@code /tls/1.0.0}): go-libp2p's first choice. */
  TLS("/tls/1.0.0"),
  /** Noise XX ({@code /noise}): what every libp2p implementation supports, js-libp2p's default. */
  NOISE("/noise"),
  /**
   * {@code /plaintext/2.0.0}: the peers exchange peer IDs and keys, and nothing is encrypted or
   * authenticated. <b>For tests only</b> (libp2p's interop suite runs a matrix with it); never in
   * the defaults, used only when a configuration names it.
   */
  PLAINTEXT("/plaintext/2.0.0");

  private final String protocolId;

  SecurityProtocol(String protocolId) {
    this.protocolId = protocolId;
  }

  /** {@return the multistream-select protocol ID} */
  public String protocolId() {
    return protocolId;
  }

  /**
   * The protocol with this ID, or null.
   *
   * @param id a protocol ID such as {@code /tls/1.0.0}
   * @return the protocol, or null if none has that ID
   */
  public static SecurityProtocol fromProtocolId(String id) {
    for (SecurityProtocol p : values()) {
      if (p.protocolId.equals(id)) {
        return p;
      }
    }
    return null;
  }
}
