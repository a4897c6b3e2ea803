/**
 * Circuit Relay v2 client side: {@link io.peerlink.relay.RelayClient} (reserve, connect, accept),
 * {@link io.peerlink.relay.RelayService} (the relay state machine) and
 * {@link io.peerlink.relay.Manager} (direct, then relay). AutoRelay (several relays kept reserved)
 * is in {@link io.peerlink.relay.autorelay}; AutoNAT and hole punching are being built. See
 * docs/relay-client.md and docs/autorelay.md.
 */
package io.peerlink.relay;
