/**
 * mplex (<code>/mplex/6.7.0</code>) stream multiplexing as Netty handlers and child channels,
 * opt-in through {@link io.peerlink.core.PeerConfig#streamMuxers()}.
 *
 * <p>{@link io.peerlink.core.internal.mplex.MplexSession} goes on a secured connection's pipeline
 * (it adds its frame decoder and encoder itself); each stream is a child channel on the
 * connection's event loop. mplex has no flow control: unread bytes are bounded per stream
 * ({@link io.peerlink.core.PeerConfig#mplexMaxBufferedBytes()}) and charged to the stream's
 * resource scope, and a stream over either is reset.
 *
 * <p>Reference counting: the decoder retains (message data are retained slices of the inbound
 * buffer), the consumer releases. A stream channel's handlers receive {@code ByteBuf}s they must
 * release; buffers written to a stream are released once they have been framed.
 */
package io.peerlink.core.internal.mplex;
