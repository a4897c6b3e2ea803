package io.peerlink.relay;

import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;

/**
 * One transition of a {@link RelayService}.
 *
 * @param from the state left
 * @param to the state entered
 * @param relay the relay concerned; null when {@code to} is {@link RelayState#NONE} and none was set
 * @param cause why a connection failed or dropped; null otherwise
 * @param retryIn when the service tries again after a failure or drop; null when no retry is scheduled
 */
public record RelayStateChange(RelayState from, RelayState to, Multiaddr relay, Throwable cause, Duration retryIn) {}
