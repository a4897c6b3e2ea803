/**
 * The front door: {@link io.peerlink.relay.Manager} listens, dials, keeps itself reachable through
 * relays (one set by address, or several kept by AutoRelay), punches holes through NATs (DCUtR),
 * finds out whether it is reachable (AutoNAT), and reaches a peer directly, else by a hole punch,
 * else through a relay ({@link io.peerlink.relay.Manager#dialWithPriority}). Its settings are the
 * configuration types of this package; what it does is reported to
 * {@link io.peerlink.core.EventListener}s. See docs/relay-client.md, docs/autorelay.md and
 * docs/nat-traversal.md.
 */
package io.peerlink.relay;
