package io.peerlink.daemon;

import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.StreamMuxer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import java.util.List;
import java.util.Objects;

/**
 * Everything a daemon is started with; {@link P2pd} fills it from p2pd's flags.
 *
 * @param control the control socket to listen on ({@code -listen})
 * @param identity the node's key ({@code -id}, else a new Ed25519 key)
 * @param hostAddrs where the node listens ({@code -hostAddrs})
 * @param announceAddrs what IDENTIFY reports instead of the listen addresses, when not empty
 *     ({@code -announceAddrs})
 * @param noListen {@code -noListenAddrs}: report no listen address
 * @param security the security protocols, most preferred first ({@code -noise}, {@code -tls}, {@code -plaintext})
 * @param relay {@code -relay}: serve as a Circuit Relay v2 relay (hop)
 * @param echo {@code -echo}: serve {@code /echo/1.0.0}
 * @param dht the DHT mode asked for ({@code -dht}, {@code -dhtClient}, {@code -dhtServer})
 * @param bootstrapPeers peers to connect to at start ({@code -bootstrapPeers})
 * @param limits what control clients may hold
 * @param muxer the stream muxer ({@code -muxer}: yamux, or mplex for interop tests)
 */
public record DaemonSettings(
    ControlAddress control,
    Identity identity,
    List<Multiaddr> hostAddrs,
    List<Multiaddr> announceAddrs,
    boolean noListen,
    List<SecurityProtocol> security,
    boolean relay,
    boolean echo,
    DhtMode dht,
    List<Multiaddr> bootstrapPeers,
    ControlLimits limits,
    StreamMuxer muxer) {

  /**
   * Copies the lists; at least one security protocol must be left.
   *
   * @param control see the record
   * @param identity see the record
   * @param hostAddrs see the record
   * @param announceAddrs see the record
   * @param noListen see the record
   * @param security see the record
   * @param relay see the record
   * @param echo see the record
   * @param dht see the record
   * @param bootstrapPeers see the record
   * @param limits see the record
   * @param muxer see the record
   */
  public DaemonSettings {
    Objects.requireNonNull(control, "control");
    Objects.requireNonNull(identity, "identity");
    hostAddrs = List.copyOf(hostAddrs);
    announceAddrs = List.copyOf(announceAddrs);
    security = List.copyOf(security);
    bootstrapPeers = List.copyOf(bootstrapPeers);
    Objects.requireNonNull(dht, "dht");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(muxer, "muxer");
    if (security.isEmpty()) {
      throw new IllegalArgumentException("no security protocol: enable -noise, -tls or -plaintext");
    }
  }

  /**
   * The settings with yamux, the muxer every peer speaks.
   *
   * @param control see the record
   * @param identity see the record
   * @param hostAddrs see the record
   * @param announceAddrs see the record
   * @param noListen see the record
   * @param security see the record
   * @param relay see the record
   * @param echo see the record
   * @param dht see the record
   * @param bootstrapPeers see the record
   * @param limits see the record
   */
  public DaemonSettings(ControlAddress control, Identity identity, List<Multiaddr> hostAddrs,
      List<Multiaddr> announceAddrs, boolean noListen, List<SecurityProtocol> security, boolean relay,
      boolean echo, DhtMode dht, List<Multiaddr> bootstrapPeers, ControlLimits limits) {
    this(control, identity, hostAddrs, announceAddrs, noListen, security, relay, echo, dht, bootstrapPeers,
        limits, StreamMuxer.YAMUX);
  }

  /**
   * Settings for a test or an embedding program: a loopback TCP control socket on a free port, a
   * node on a loopback port, Noise then TLS, echo on, relay and DHT off.
   *
   * @param identity the node's key
   * @return the settings
   */
  public static DaemonSettings loopback(Identity identity) {
    return new DaemonSettings(ControlAddress.parse("/ip4/127.0.0.1/tcp/0"), identity,
        List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")), List.of(), false,
        List.of(SecurityProtocol.NOISE, SecurityProtocol.TLS), false, true, DhtMode.OFF, List.of(),
        ControlLimits.DEFAULTS);
  }
}
