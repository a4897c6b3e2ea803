/**
 * The resource manager: what remotes make this host hold, charged to nested scopes (the host,
 * each peer, connection, protocol and stream) and refused when a scope is full. The limits are
 * the public {@link io.peerlink.core.ResourceLimits}.
 */
package io.peerlink.core.internal.resource;
