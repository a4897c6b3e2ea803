package io.peerlink.core.internal.multistream;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.peerlink.core.LimitExceededException;
import io.peerlink.core.PeerException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The responding side of multistream-select 1.0: answers the remote's proposals until one is
 * supported.
 *
 * <p>It sends the header as soon as the channel is active (as go does), requires the header as the
 * first message received, and then for each proposal asks {@code handlerFor}: a non-null handler
 * means supported, so it echoes the proposal, puts that handler in its own place in the pipeline,
 * completes {@link #result()} and removes itself, passing on every byte already received after the
 * proposal as one {@code ByteBuf} {@code channelRead}. Initiators that pipeline the header, the
 * proposal and application data in one segment (go's lazy client, js's optimistic select) are
 * handled this way without losing data. {@code null} means unsupported and is answered with
 * {@code na}; so is {@code ls}, which peerlink does not implement (neither does go).
 *
 * <p>After {@link #MAX_REFUSALS} refusals it gives up with a {@link LimitExceededException}, so a
 * peer cannot keep it spinning. Other failures are as for {@link MultistreamInitiator}; every
 * failure closes the channel.
 */
public final class MultistreamResponder extends MultistreamNegotiation {
  /** Number of {@code na} answers after which the responder closes the channel: 16. */
  public static final int MAX_REFUSALS = 16;

  private final Function<String, ? extends ChannelHandler> handlerFor;
  private int refusals;

  /**
   * Creates a responder.
   *
   * @param handlerFor for a proposed protocol ID, a new handler to run it, or {@code null} if
   *     unsupported; called on the event loop. Return a {@link io.netty.channel.ChannelInitializer}
   *     to install several handlers.
   * @param result completed on the event loop with the agreed protocol, or exceptionally
   * @param timeout deadline for the whole negotiation
   */
  public MultistreamResponder(
      Function<String, ? extends ChannelHandler> handlerFor,
      CompletableFuture<String> result,
      Duration timeout) {
    super(result, timeout);
    this.handlerFor = Objects.requireNonNull(handlerFor, "handlerFor");
  }

  /** Creates a responder whose outcome is available from {@link #result()}. */
  public MultistreamResponder(
      Function<String, ? extends ChannelHandler> handlerFor, Duration timeout) {
    this(handlerFor, new CompletableFuture<>(), timeout);
  }

  @Override
  void onStart(ChannelHandlerContext ctx) {
    write(ctx, MultistreamMessages.encode(ctx.alloc(), MultistreamMessages.HEADER));
  }

  @Override
  void onMessage(ChannelHandlerContext ctx, String message) throws PeerException {
    if (consumeHeader(message)) {
      return;
    }
    ChannelHandler handler = answerable(message) ? handlerFor.apply(message) : null;
    if (handler != null) {
      write(ctx, MultistreamMessages.encode(ctx.alloc(), message));
      succeed(ctx, message, handler);
      return;
    }
    write(ctx, MultistreamMessages.encode(ctx.alloc(), MultistreamMessages.NA));
    if (++refusals >= MAX_REFUSALS) {
      throw new LimitExceededException(
          "remote proposed " + refusals + " unsupported protocols, the limit is " + MAX_REFUSALS);
    }
  }

  /** Whether {@code message} can be a protocol we run; the rest always gets {@code na}. */
  private static boolean answerable(String message) {
    return !message.isEmpty()
        && message.indexOf('\n') < 0
        && !message.equals(MultistreamMessages.LS)
        && !message.equals(MultistreamMessages.HEADER)
        && !message.equals(MultistreamMessages.NA);
  }

  @Override
  String describe() {
    return "responder after " + refusals + " refusals";
  }
}
