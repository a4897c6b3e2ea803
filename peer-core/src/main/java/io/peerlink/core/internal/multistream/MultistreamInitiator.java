package io.peerlink.core.internal.multistream;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.peerlink.core.PeerException;
import io.peerlink.core.ProtocolViolationException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The initiating side of multistream-select 1.0: proposes protocols in preference order until the
 * remote echoes one.
 *
 * <p>Add it to any channel (a raw TCP connection before security, the plaintext side of a security
 * handler, a muxed stream). When the channel is active it writes the header and the first
 * proposal in one write, as go and js do; after an {@code na} it proposes the next protocol, one
 * per round trip. When a proposal is echoed it puts the protocol's handler in its own place, completes
 * {@link #result()} with the protocol ID, removes itself and passes on, as one {@code ByteBuf}
 * {@code channelRead}, every byte that arrived after the echo.
 *
 * <p>Failures complete the future exceptionally and close the channel: {@link
 * ProtocolNegotiationException} when every proposal was refused, {@link ProtocolViolationException}
 * for a malformed, oversized or unexpected message, {@link io.peerlink.core.PeerTimeoutException}
 * when the whole negotiation takes longer than its timeout, and a {@link PeerException} of kind IO
 * when the channel closes first.
 *
 * <p>{@linkplain #optimistic Optimistic mode} (go's lazy client, js's optimistic select) installs
 * the protocol handler right after the proposal is written, so it can send application data
 * without waiting a round trip; inbound bytes still reach it only after the echo.
 */
public final class MultistreamInitiator extends MultistreamNegotiation {
  private final List<String> protocols;
  private final Function<String, ? extends ChannelHandler> handlerFor;
  private final ChannelHandler optimisticHandler;
  private int proposal;

  /**
   * Proposes {@code protocols}; on success the bytes past the negotiation go to the handlers
   * already after this one (or added by a dependent action of {@code result}).
   *
   * @param protocols protocol IDs in preference order, at least one
   * @param result completed on the event loop with the agreed protocol, or exceptionally
   * @param timeout deadline for the whole negotiation
   */
  public MultistreamInitiator(
      List<String> protocols, CompletableFuture<String> result, Duration timeout) {
    this(protocols, protocol -> null, result, timeout);
  }

  /**
   * Proposes {@code protocols} and, on success, replaces itself with {@code handlerFor.apply(id)}
   * (which may return {@code null} to install nothing). Use a {@link
   * io.netty.channel.ChannelInitializer} to install several handlers.
   *
   * @param protocols protocol IDs in preference order, at least one
   * @param handlerFor the handler for the agreed protocol, called once on the event loop
   * @param result completed on the event loop with the agreed protocol, or exceptionally
   * @param timeout deadline for the whole negotiation
   */
  public MultistreamInitiator(
      List<String> protocols,
      Function<String, ? extends ChannelHandler> handlerFor,
      CompletableFuture<String> result,
      Duration timeout) {
    this(protocols, handlerFor, null, result, timeout);
  }

  private MultistreamInitiator(
      List<String> protocols,
      Function<String, ? extends ChannelHandler> handlerFor,
      ChannelHandler optimisticHandler,
      CompletableFuture<String> result,
      Duration timeout) {
    super(result, timeout);
    this.protocols = List.copyOf(protocols);
    if (this.protocols.isEmpty()) {
      throw new IllegalArgumentException("no protocols to propose");
    }
    this.protocols.forEach(MultistreamMessages::checkLine);
    this.handlerFor = Objects.requireNonNull(handlerFor, "handlerFor");
    this.optimisticHandler = optimisticHandler;
  }

  /**
   * Proposes the single {@code protocol} and installs {@code handler} right after this negotiation
   * as soon as the proposal is written, so the handler may write application data at once (from
   * {@code handlerAdded}, or {@code channelActive} if the channel was not yet active). Its writes
   * follow the proposal on the wire. Bytes from the remote reach it only after the echo. If the
   * remote refuses, the future fails with {@link ProtocolNegotiationException} and the channel is
   * closed, so use this only when the remote is known to support the protocol.
   */
  public static MultistreamInitiator optimistic(
      String protocol,
      ChannelHandler handler,
      CompletableFuture<String> result,
      Duration timeout) {
    Objects.requireNonNull(handler, "handler");
    return new MultistreamInitiator(List.of(protocol), p -> null, handler, result, timeout);
  }

  @Override
  void onStart(ChannelHandlerContext ctx) {
    write(ctx, MultistreamMessages.encode(
        ctx.alloc(), MultistreamMessages.HEADER, protocols.get(0)));
    if (optimisticHandler != null) {
      ctx.pipeline().addAfter(ctx.name(), null, optimisticHandler);
    }
  }

  @Override
  void onMessage(ChannelHandlerContext ctx, String message) throws PeerException {
    if (consumeHeader(message)) {
      return;
    }
    String proposed = protocols.get(proposal);
    if (message.equals(proposed)) {
      succeed(ctx, proposed, optimisticHandler != null ? null : handlerFor.apply(proposed));
    } else if (message.equals(MultistreamMessages.NA)) {
      if (++proposal == protocols.size()) {
        throw new ProtocolNegotiationException(protocols);
      }
      write(ctx, MultistreamMessages.encode(ctx.alloc(), protocols.get(proposal)));
    } else {
      throw new ProtocolViolationException(
          "unexpected answer '" + message + "' to proposal " + proposed);
    }
  }

  @Override
  String describe() {
    return "initiator proposing " + protocols;
  }
}
