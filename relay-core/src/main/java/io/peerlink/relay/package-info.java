/** Relay client, relay state machine, AutoRelay, AutoNAT and hole punching (being built). */
package io.peerlink.relay;
