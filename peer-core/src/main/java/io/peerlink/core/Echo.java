package io.peerlink.core;

import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The echo protocol ({@value #PROTOCOL_ID}): the responder writes back every byte it reads and
 * half-closes after the initiator does. js-libp2p's test peers speak it too, so it is the quickest
 * way to see bytes cross a connection both ways.
 *
 * <pre>{@code
 * Listener listener = Listener.builder(identity)
 *     .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
 *     .handler(Echo.PROTOCOL_ID, Echo.handler())
 *     .build().start().join();
 * Duration took = Echo.roundTrip(peer, "hello".getBytes(UTF_8)).join();
 * }</pre>
 *
 * <p>Both sides keep memory bounded: the responder stops reading while its writes wait for the
 * remote's window, and the initiator checks the bytes as they come back without buffering them.
 */
public final class Echo {
  /** The protocol ID, {@value}. */
  public static final String PROTOCOL_ID = EchoClient.PROTOCOL;

  private Echo() {}

  /**
   * The responder: register it with {@code Listener.Builder.handler(Echo.PROTOCOL_ID, Echo.handler())}
   * (or on a {@code Connector}, {@code Manager} or {@link Peer#handle}).
   *
   * @return a handler that installs an echo on each stream it is given
   */
  public static StreamHandler handler() {
    return stream -> stream.channel().pipeline().addLast(new EchoHandler());
  }

  /**
   * Sends {@code payload} on a new echo stream to {@code peer}, half-closes, and checks that
   * exactly the same bytes come back. The array is written without a copy: do not change it
   * until the future completes.
   *
   * @param peer a connection to a peer that serves {@value #PROTOCOL_ID}
   * @param payload the bytes to send; any length, including zero
   * @return the time from opening the stream to the last byte back; fails with a
   *     {@link ProtocolViolationException} if a byte differs or the count is wrong, and with a
   *     {@link PeerException} if the stream cannot be opened or breaks
   */
  public static CompletableFuture<Duration> roundTrip(Peer peer, byte[] payload) {
    return EchoClient.roundTrip(peer, payload);
  }
}
