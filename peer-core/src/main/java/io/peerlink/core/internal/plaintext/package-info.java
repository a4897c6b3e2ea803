/**
 * The {@code /plaintext/2.0.0} "security" protocol: a key exchange without encryption or
 * authentication, for tests only (libp2p's interop suite runs a matrix with it). Off unless a
 * configuration names {@link io.peerlink.core.SecurityProtocol#PLAINTEXT}.
 */
package io.peerlink.core.internal.plaintext;
