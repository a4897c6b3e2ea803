/**
 * Stream-level building blocks for libp2p protocols: the protocol IDs, bounded uvarint
 * length-prefixed framing (identify, relay, DCUtR, AutoNAT) with protobuf helpers, and the small
 * protocols ping ({@code /ipfs/ping/1.0.0}) and echo ({@code /echo/1.0.0}). Each handler is
 * installed on a stream after multistream-select agreed on its protocol.
 */
package io.peerlink.core.internal.protocol;
