/**
 * Yamux (<code>/yamux/1.0.0</code>) stream multiplexing as Netty handlers and child channels.
 *
 * <p>{@link io.peerlink.core.internal.yamux.YamuxSession} goes on a secured connection's pipeline
 * (it adds {@link io.peerlink.core.internal.yamux.YamuxFrameDecoder} and
 * {@link io.peerlink.core.internal.yamux.YamuxFrameEncoder} itself); each stream is a
 * {@link io.peerlink.core.internal.yamux.YamuxStreamChannel}, a child channel on the connection's
 * event loop, so a stream can carry a whole upgraded connection (a relayed circuit) like a socket.
 * Limits live in {@link io.peerlink.core.internal.yamux.YamuxConfig}.
 *
 * <p>Reference counting: the decoder retains (data payloads are retained slices of the inbound
 * buffer), the consumer releases. A stream channel's handlers receive {@code ByteBuf}s they must
 * release; buffers written to a stream are released once they have been framed.
 */
package io.peerlink.core.internal.yamux;
