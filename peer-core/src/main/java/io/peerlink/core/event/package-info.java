/**
 * The values that the one event model, {@link io.peerlink.core.EventListener}, carries: dial
 * stages, relay states, reachability, punch roles, relay request kinds and statuses, circuit
 * ends. Plain enums that depend on nothing else in peerlink, so every package can use them.
 * Metrics ({@code io.peerlink.core.metrics}) and logs hang off the listener.
 */
package io.peerlink.core.event;
