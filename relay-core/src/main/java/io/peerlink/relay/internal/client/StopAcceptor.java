package io.peerlink.relay.internal.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.Peer;
import io.peerlink.core.Stream;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.spi.StreamChannels;
import io.peerlink.relay.internal.circuit.CircuitLimit;
import io.peerlink.relay.internal.circuit.CircuitMessageReader;
import io.peerlink.relay.internal.circuit.CircuitMessageException;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.circuit.HeldBytes;
import io.peerlink.relay.internal.proto.CircuitProtos.StopMessage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the stop protocol: a relay we hold a reservation on opens a stop stream and sends
 * {@code StopMessage{CONNECT, peer=<source>, limit?}}; we answer STATUS OK and the stream becomes
 * our end of the circuit, handed to {@link Accepted} with reading paused and any early bytes held.
 * A malformed request is answered MALFORMED_MESSAGE, a STATUS as request UNEXPECTED_MESSAGE, and
 * silence past the accept timeout resets the stream.
 */
public final class StopAcceptor implements StreamHandler {
  private static final Logger log = LoggerFactory.getLogger(StopAcceptor.class);

  /** Takes an accepted circuit. Runs on the stream's event loop, after the OK was written. */
  @FunctionalInterface
  public interface Accepted {
    void circuit(Peer relay, PeerId source, ConnectionLimit limit, Channel channel, HeldBytes held);
  }

  private final Duration timeout;
  private final Accepted accepted;

  public StopAcceptor(Duration timeout, Accepted accepted) {
    this.timeout = timeout;
    this.accepted = accepted;
  }

  @Override
  public void handle(Stream stream) {
    Channel ch = stream.channel();
    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    CircuitMessageReader.addStopReader(ch.pipeline());
    ch.pipeline().addLast("stop-request", new RequestHandler(stream.peer()));
  }

  /** The limit in a stop CONNECT as peer-core's type; null when none. */
  static ConnectionLimit limitOf(StopMessage m) {
    return CircuitLimit.fromProto(m.hasLimit() ? m.getLimit() : null).toConnectionLimit();
  }

  private final class RequestHandler extends ChannelInboundHandlerAdapter {
    private final Peer relay;
    private ScheduledFuture<?> timer;
    private boolean answered;

    RequestHandler(Peer relay) {
      this.relay = relay;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      timer = ctx.executor().schedule(() -> {
        if (!answered) {
          answered = true;
          log.debug("relay {} sent no stop request within {}", relay.peerId(), timeout);
          StreamChannels.reset(ctx.channel());
        }
      }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      timer.cancel(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof StopMessage request) || answered) {
        ReferenceCountUtil.release(msg);
        return;
      }
      answered = true;
      timer.cancel(false);
      Channel ch = ctx.channel();
      if (request.getType() != StopMessage.Type.CONNECT) {
        refuse(ch, RelayStatus.UNEXPECTED_MESSAGE, "stop " + request.getType() + " instead of CONNECT");
        return;
      }
      PeerId source;
      try {
        source = CircuitMessages.peerId(request.getPeer());
      } catch (CircuitMessageException e) {
        refuse(ch, RelayStatus.MALFORMED_MESSAGE, e.getMessage());
        return;
      }
      ConnectionLimit limit;
      try {
        limit = limitOf(request);
      } catch (IllegalArgumentException e) {
        refuse(ch, RelayStatus.MALFORMED_MESSAGE, e.getMessage());
        return;
      }
      ch.config().setAutoRead(false);
      HeldBytes held = new HeldBytes();
      ctx.pipeline().replace(this, HeldBytes.NAME, held);
      ch.writeAndFlush(CircuitMessages.encode(ch.alloc(), CircuitMessages.stopStatus(RelayStatus.OK)))
          .addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
              log.debug("answering relay {}'s stop request failed: {}", relay.peerId(), f.cause().toString());
              StreamChannels.reset(ch);
              return;
            }
            accepted.circuit(relay, source, limit, ch, held);
          });
    }

    private void refuse(Channel ch, RelayStatus status, String why) {
      log.debug("stop request from relay {} refused with {}: {}", relay.peerId(), status, why);
      ch.writeAndFlush(CircuitMessages.encode(ch.alloc(), CircuitMessages.stopStatus(status)))
          .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!answered && cause instanceof CircuitMessageException e) {
        answered = true;
        refuse(ctx.channel(), e.status(), e.getMessage());
        return;
      }
      log.debug("stop stream from relay {} failed: {}", relay.peerId(), cause.toString());
      ctx.close();
    }
  }
}
