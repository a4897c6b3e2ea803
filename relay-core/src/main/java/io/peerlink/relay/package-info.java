/**
 * Circuit Relay v2 client side: {@link io.peerlink.relay.RelayClient} (reserve, connect, accept),
 * {@link io.peerlink.relay.RelayService} (the relay state machine) and
 * {@link io.peerlink.relay.Manager} (direct, then relay). AutoRelay, AutoNAT and hole punching
 * are being built. See docs/relay-client.md.
 */
package io.peerlink.relay;
