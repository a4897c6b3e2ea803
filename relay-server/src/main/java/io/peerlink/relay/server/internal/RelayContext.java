package io.peerlink.relay.server.internal;

import io.peerlink.core.spi.Host;
import io.peerlink.relay.server.Acl;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * What the relay's request handlers share with the server that runs them.
 *
 * @param host the relay's host: events go to its listeners
 * @param acl who may reserve and connect
 * @param clock the clock for reservation expiry and circuit times
 * @param running whether the relay still takes new reservations and circuits (false once stopping)
 */
public record RelayContext(Host host, Acl acl, Clock clock, BooleanSupplier running) {}
