package io.peerlink.relay.spi;

import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * How to serve as a relay.
 *
 * @param publicAddressFilter which of our addresses go into reservations; null: the server's default (public addresses only)
 * @param drain how long open circuits may finish when the relay is disabled
 */
public record RelayHopOptions(Predicate<Multiaddr> publicAddressFilter, Duration drain) {
  /** {@return the server's defaults and a 5 s drain} */
  public static RelayHopOptions defaults() {
    return new RelayHopOptions(null, Duration.ofSeconds(5));
  }
}
