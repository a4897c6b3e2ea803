/**
 * What the host needs of a stream multiplexer, so yamux and mplex sessions plug into one
 * connection type: {@link io.peerlink.core.internal.muxer.MuxerSession} and
 * {@link io.peerlink.core.internal.muxer.MuxedStream}.
 */
package io.peerlink.core.internal.muxer;
