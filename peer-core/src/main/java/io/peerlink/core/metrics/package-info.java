/**
 * Metrics on top of the event model: {@link io.peerlink.core.metrics.MicrometerMetrics} turns a
 * host's events into Micrometer meters in the application's own registry.
 */
package io.peerlink.core.metrics;
