/**
 * The one event model: {@link io.peerlink.core.event.EventListener} and the value types its
 * callbacks carry. Metrics ({@code io.peerlink.core.metrics}) and logs hang off it.
 */
package io.peerlink.core.event;
