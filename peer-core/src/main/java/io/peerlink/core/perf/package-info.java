/**
 * The libp2p perf protocol ({@code /perf/1.0.0}): the client tells the server how many bytes it
 * wants back, uploads its own bytes, half-closes, and reads the answer; the server answers only
 * after the whole upload arrived. {@link io.peerlink.core.perf.Perf} serves it and runs it;
 * {@link io.peerlink.core.perf.PerfConfig} bounds what a remote can ask for.
 *
 * <p>The server is not registered by default (the spec says it should not be on public nodes):
 * add it with {@code Listener.Builder.handler(Perf.PROTOCOL, Perf.server())}.
 */
package io.peerlink.core.perf;
