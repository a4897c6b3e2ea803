/**
 * multistream-select 1.0, as Netty handlers that work on any channel: a raw TCP connection before
 * security, the plaintext side of a security handler, or a muxed stream.
 *
 * <p>Put a {@link io.peerlink.core.internal.multistream.MultistreamInitiator} (dialer, stream
 * opener) or a {@link io.peerlink.core.internal.multistream.MultistreamResponder} (listener, stream
 * acceptor) on the channel. When a protocol is agreed the negotiator puts that protocol's handler
 * in its own place, completes its future with the protocol ID, removes itself and passes any bytes
 * already read past the negotiation on to that handler, so pipelined data is never lost. Every
 * failure closes the channel and fails the future with a typed {@link io.peerlink.core.PeerException}.
 */
package io.peerlink.core.internal.multistream;
