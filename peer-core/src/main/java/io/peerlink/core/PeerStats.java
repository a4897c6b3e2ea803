package io.peerlink.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A snapshot of one connection's counters, from {@link Peer#stats()}.
 *
 * @param bytesRead bytes received on the transport since the connection opened, handshake and
 *     protocol overhead included
 * @param bytesWritten bytes sent on the transport, counted when handed to it
 * @param rtt the round-trip time as a moving average (weight 0.1 for each new sample, as
 *     go-libp2p's peerstore) of the keep-alive pings ({@link PeerConfig#keepAliveInterval()}) and
 *     {@link Peer#ping()}; empty until the first sample
 * @param lastActivity when data last moved on one of the connection's streams, or a stream opened
 *     (keep-alive pings do not count); the connection's opening time if nothing happened since
 * @param openStreams streams open on the connection, both directions
 * @param messagesSent messages sent with {@link Peer#send}
 * @param messagesReceived messages received on the message protocol
 */
public record PeerStats(
    long bytesRead,
    long bytesWritten,
    Optional<Duration> rtt,
    Instant lastActivity,
    int openStreams,
    long messagesSent,
    long messagesReceived) {}
