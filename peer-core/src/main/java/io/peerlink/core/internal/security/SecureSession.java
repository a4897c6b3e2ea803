package io.peerlink.core.internal.security;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.identity.PublicKey;
import java.util.Objects;

/**
 * What a finished security handshake established. A security handler (TLS or Noise) fires this as a
 * user event through its pipeline once the remote peer is authenticated, and from then on passes
 * plaintext {@code ByteBuf}s up and encrypts what is written down.
 *
 * @param remotePeerId the authenticated remote peer
 * @param remoteKey the remote peer's identity key
 * @param securityProtocol {@code "/tls/1.0.0"}, {@code "/noise"} or {@code "/plaintext/2.0.0"}
 * @param earlyMuxer the muxer agreed inside the handshake (ALPN or Noise extensions), or null if
 *     the muxer must be negotiated with multistream-select afterwards
 */
public record SecureSession(
    PeerId remotePeerId, PublicKey remoteKey, String securityProtocol, String earlyMuxer) {
  public SecureSession {
    Objects.requireNonNull(remotePeerId, "remotePeerId");
    Objects.requireNonNull(remoteKey, "remoteKey");
    Objects.requireNonNull(securityProtocol, "securityProtocol");
  }
}
