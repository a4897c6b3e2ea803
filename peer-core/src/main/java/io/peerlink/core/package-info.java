/**
 * peerlink's public peer API: identities, peer IDs, multiaddrs, listening and dialing.
 * Implementation lives in {@code io.peerlink.core.internal} and is not a supported API.
 */
package io.peerlink.core;
