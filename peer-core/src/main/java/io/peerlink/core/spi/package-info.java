/**
 * What protocol modules built on peer-core use: relay-core (circuit relay, hole punching, AutoNAT,
 * AutoRelay), the relay server and the DHT reach the host only through this package, never through
 * peer-core's internals (the module walls enforce it).
 *
 * <ul>
 *   <li>{@link io.peerlink.core.spi.Host}: protocol registration, the live connections and their
 *       events, dialing (also from the listening port, for hole punching), expecting a punch,
 *       addresses announced besides the listening ones, a dialer for relayed addresses, and turning
 *       a stream into a connection (a relayed connection is a secured, multiplexed connection
 *       running over a stream to the relay).
 *   <li>{@link io.peerlink.core.spi.MessageStream}, {@link io.peerlink.core.spi.ProtobufFrames},
 *       {@link io.peerlink.core.spi.LengthPrefixedFrameDecoder}, {@link io.peerlink.core.spi.LengthPrefix}:
 *       the length-prefixed protobuf framing of libp2p's request/response protocols and of the
 *       relay's handshakes, every length bounded before anything is buffered.
 *   <li>{@link io.peerlink.core.spi.StreamChannels}: resetting a stream.
 *   <li>{@link io.peerlink.core.spi.TokenBucket}: the rate limiter peer-core uses for dials and
 *       accepts, for upper layers to limit their own requests the same way (AutoNAT's dial-backs).
 *   <li>{@link io.peerlink.core.spi.RefusalLog}: rate-limited INFO lines for what a host refuses.
 * </ul>
 *
 * <p>Applications do not need this package: {@code Manager} (relay-core), or {@code Listener} and
 * {@code Connector}, are their API.
 */
package io.peerlink.core.spi;
