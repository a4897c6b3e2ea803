package io.peerlink.relay.server;

import io.peerlink.core.identity.PeerId;
import java.time.Instant;

/**
 * An open circuit, as {@link RelayServer#circuits()} reports it.
 *
 * @param source the peer that sent CONNECT
 * @param target the peer it reached (the reservation holder)
 * @param opened when the circuit was spliced
 * @param bytesToTarget bytes relayed from source to target so far
 * @param bytesToSource bytes relayed from target to source so far
 */
public record CircuitInfo(PeerId source, PeerId target, Instant opened, long bytesToTarget, long bytesToSource) {}
