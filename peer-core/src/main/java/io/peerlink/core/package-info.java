/**
 * peerlink's public peer API: identities, peer IDs, multiaddrs, listening ({@link
 * io.peerlink.core.Listener} with {@link io.peerlink.core.ListenerLimits}), dialing ({@link
 * io.peerlink.core.Connector} with {@link io.peerlink.core.DialPolicy}), the connection to one peer
 * ({@link io.peerlink.core.Peer}: streams, messages, {@link io.peerlink.core.PeerStats},
 * {@link io.peerlink.core.PeerState}), events ({@link io.peerlink.core.EventListener}) and the pool
 * ({@link io.peerlink.core.PeerPool}, a {@link io.peerlink.core.PeerManager} with pluggable
 * {@link io.peerlink.core.LoadBalancer}s). See {@code docs/peer-core.md}.
 * Implementation lives in {@code io.peerlink.core.internal} and is not a supported API.
 */
package io.peerlink.core;
