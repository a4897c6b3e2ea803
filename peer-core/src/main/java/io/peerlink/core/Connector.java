package io.peerlink.core;

import io.netty.channel.EventLoopGroup;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.host.HostCore;
import io.peerlink.core.multiaddr.Multiaddr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Dials libp2p peers: TCP, then TLS 1.3 or Noise, then yamux, with the remote's peer ID checked.
 *
 * <pre>{@code
 * try (Connector connector = Connector.builder(Identity.generate()).build()) {
 *   Peer peer = connector.connect(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…")).join();
 *   System.out.println("rtt " + peer.ping().join());
 * }
 * }</pre>
 *
 * <p>Thread-safe; one connector can dial many peers.
 */
public final class Connector implements AutoCloseable {
  private final HostCore core;
  private final boolean sharedCore;

  private Connector(Builder b) {
    this.sharedCore = b.listener != null;
    this.core = sharedCore ? b.listener.core() : new HostCore(b.identity, b.config, b.group);
    b.handlers.forEach(core.protocols()::put);
    if (b.onConnection != null) {
      core.addConnectionListener(b.onConnection);
    }
  }

  /** A builder for a connector with this identity. */
  public static Builder builder(Identity identity) {
    return new Builder(Objects.requireNonNull(identity, "identity"), null);
  }

  /**
   * A builder for a connector that shares {@code listener}'s identity, settings, event loops and
   * handlers, so the peers it dials see the same peer and can open streams back to it.
   */
  public static Builder sharing(Listener listener) {
    return new Builder(null, Objects.requireNonNull(listener, "listener"));
  }

  /**
   * A connector whose identity is read from a PEM file (PKCS#8 private key).
   *
   * <p>libp2p TLS authenticates a peer with a fresh certificate per connection, signed by the
   * identity key; a long-lived certificate file is therefore not used for the handshake. If
   * {@code certPath} names an existing file, it must hold a libp2p certificate made for this key
   * (the pair is checked, so a mixed-up pair fails here rather than at a remote peer); pass
   * {@code null} when there is none.
   *
   * @throws InvalidKeyException if the key file holds no supported key, or the certificate was not
   *     made for it
   */
  public static Connector fromPem(Path keyPath, Path certPath) throws IOException, InvalidKeyException {
    Identity identity = Identity.fromPem(keyPath);
    if (certPath != null && Files.exists(certPath)) {
      io.peerlink.core.internal.host.PemCertificates.checkMatches(identity, certPath);
    }
    return builder(identity).build();
  }

  /**
   * Dials {@code target}, which must end in {@code /p2p/<peer id>}. Completes with the ready
   * connection, or fails with a {@link PeerException} saying what failed: {@link PeerError#CONNECT}
   * (unreachable), {@link PeerError#TIMEOUT}, {@link PeerError#TLS} (handshake or wrong peer ID),
   * {@link PeerError#PROTOCOL} (no common security protocol or muxer).
   *
   * @throws IllegalArgumentException if {@code target} has no {@code /p2p/} or is not a TCP address
   */
  public CompletableFuture<Peer> connect(Multiaddr target) {
    return core.dial(target);
  }

  /**
   * The core this connector dials with. Internal: public only so peerlink's relay-core can reach
   * the host; applications should not use it.
   */
  public HostCore core() {
    return core;
  }

  /** Our peer ID. */
  public io.peerlink.core.identity.PeerId peerId() {
    return core.identity().peerId();
  }

  /** Closes every connection this connector's core holds (unless it shares a listener's core). */
  public CompletableFuture<Void> closeAsync() {
    return sharedCore ? CompletableFuture.completedFuture(null) : core.close();
  }

  /** Same as {@code closeAsync().join()}. */
  @Override
  public void close() {
    closeAsync().join();
  }

  /** Builds a {@link Connector}. */
  public static final class Builder {
    private final Identity identity;
    private final Listener listener;
    private PeerConfig config = PeerConfig.defaults();
    private EventLoopGroup group;
    private final Map<String, StreamHandler> handlers = new LinkedHashMap<>();
    private Consumer<Peer> onConnection;

    private Builder(Identity identity, Listener listener) {
      this.identity = identity;
      this.listener = listener;
    }

    /** Connection and stream settings; default {@link PeerConfig#defaults()}. Ignored when sharing a listener. */
    public Builder config(PeerConfig config) {
      this.config = Objects.requireNonNull(config);
      return this;
    }

    /** Serves {@code protocol} on connections this connector makes (streams the remote opens). */
    public Builder handler(String protocol, StreamHandler handler) {
      handlers.put(Objects.requireNonNull(protocol), Objects.requireNonNull(handler));
      return this;
    }

    /** Called on the connection's event loop for every connection once it is ready. */
    public Builder onConnection(Consumer<Peer> listener) {
      this.onConnection = listener;
      return this;
    }

    /** Runs on this event loop group; it is not shut down on close. */
    public Builder eventLoopGroup(EventLoopGroup group) {
      this.group = group;
      return this;
    }

    /** Builds the connector. */
    public Connector build() {
      return new Connector(this);
    }
  }
}
