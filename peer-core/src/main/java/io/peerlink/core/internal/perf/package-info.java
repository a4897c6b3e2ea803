/**
 * The perf protocol's two sides: {@link io.peerlink.core.internal.perf.PerfResponder} (server) and
 * {@link io.peerlink.core.internal.perf.PerfInitiator} (client), the block writer they share and
 * the idle deadline that bounds a stalled stream. Public API: {@link io.peerlink.core.perf.Perf}.
 */
package io.peerlink.core.internal.perf;
