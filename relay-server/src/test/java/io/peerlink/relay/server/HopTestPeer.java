package io.peerlink.relay.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.Connector;
import io.peerlink.core.Peer;
import io.peerlink.core.Stream;
import io.peerlink.core.event.RelayStatus;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.internal.circuit.CircuitMessageReader;
import io.peerlink.relay.internal.circuit.CircuitMessages;
import io.peerlink.relay.internal.proto.CircuitProtos.HopMessage;
import io.peerlink.relay.internal.proto.CircuitProtos.StopMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Circuit Relay v2 client written for tests from the spec: hop RESERVE/CONNECT, and a
 * stop handler that answers a configurable status and then echoes (or just records) circuit bytes.
 */
final class HopTestPeer implements AutoCloseable {
  final Identity identity = Identity.generate();
  final Connector connector;
  volatile RelayStatus stopAnswer = RelayStatus.OK;
  volatile boolean echo = true;
  final CompletableFuture<StopMessage> stopRequest = new CompletableFuture<>();
  final CompletableFuture<End> stopEnd = new CompletableFuture<>();

  /** How an end of a circuit saw it finish, with every byte it received. */
  static final class End {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final CompletableFuture<Void> inputShutdown = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    volatile Throwable error;

    synchronized byte[] bytes() {
      return received.toByteArray();
    }
  }

  HopTestPeer() {
    connector = Connector.builder(identity)
        .handler(CircuitMessages.STOP_PROTOCOL, this::onStop)
        .build();
  }

  PeerId peerId() {
    return identity.peerId();
  }

  CompletableFuture<Peer> connect(Multiaddr relay) {
    return connector.connect(relay);
  }

  private void onStop(Stream s) {
    Channel ch = s.channel();
    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    End end = new End();
    CircuitMessageReader.addStopReader(ch.pipeline());
    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      boolean gotRequest;

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof StopMessage m && !gotRequest) {
          gotRequest = true;
          stopRequest.complete(m);
          ctx.writeAndFlush(CircuitMessages.encode(ctx.alloc(), CircuitMessages.stopStatus(stopAnswer)));
          if (stopAnswer != RelayStatus.OK) {
            ctx.close();
          } else {
            ctx.pipeline().replace(this, "end", new EndHandler(end, echo));
            stopEnd.complete(end);
          }
          return;
        }
        ReferenceCountUtil.release(msg);
      }
    });
  }

  /** Records (and optionally echoes) circuit bytes. */
  static final class EndHandler extends ChannelInboundHandlerAdapter {
    private final End end;
    private final boolean echo;

    EndHandler(End end, boolean echo) {
      this.end = end;
      this.echo = echo;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      synchronized (end) {
        end.received.writeBytes(ByteBufUtil.getBytes(b));
      }
      if (echo) {
        ctx.writeAndFlush(b);
      } else {
        b.release();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        end.inputShutdown.complete(null);
        if (echo) {
          ((DuplexChannel) ctx.channel()).shutdownOutput();
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      end.error = cause;
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      end.closed.complete(null);
    }
  }

  /** Sends one hop request and completes with the relay's answer. */
  static CompletableFuture<HopMessage> request(Peer relay, ByteBuf raw) {
    CompletableFuture<HopMessage> answer = new CompletableFuture<>();
    relay.newStream(CircuitMessages.HOP_PROTOCOL, s -> {
      Channel ch = s.channel();
      CircuitMessageReader.addHopReader(ch.pipeline());
      ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          if (msg instanceof HopMessage m) {
            answer.complete(m);
          } else {
            ReferenceCountUtil.release(msg);
          }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
          answer.completeExceptionally(new IOException("hop stream closed without an answer"));
        }
      });
      ch.writeAndFlush(raw);
    }).whenComplete((s, e) -> {
      if (e != null) {
        raw.release();
        answer.completeExceptionally(e);
      }
    });
    return answer;
  }

  static CompletableFuture<HopMessage> reserve(Peer relay) {
    return request(relay, CircuitMessages.encode(ByteBufAllocator.DEFAULT, CircuitMessages.hopReserve()));
  }

  /** The source side of a circuit: the hop answer, and the stream as the circuit. */
  record Circuit(HopMessage answer, Stream stream, End end) {
    void send(byte[] data) {
      stream.channel().writeAndFlush(Unpooled.wrappedBuffer(data));
    }

    void halfClose() {
      ((DuplexChannel) stream.channel()).shutdownOutput();
    }
  }

  static CompletableFuture<Circuit> connectVia(Peer relay, PeerId target) {
    CompletableFuture<Circuit> result = new CompletableFuture<>();
    End end = new End();
    relay.newStream(CircuitMessages.HOP_PROTOCOL, s -> {
      Channel ch = s.channel();
      ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
      CircuitMessageReader.addHopReader(ch.pipeline());
      ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          if (msg instanceof HopMessage m) {
            ctx.pipeline().replace(this, "end", new EndHandler(end, false));
            result.complete(new Circuit(m, s, end));
          } else {
            ReferenceCountUtil.release(msg);
          }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
          result.completeExceptionally(new IOException("hop stream closed without an answer"));
        }
      });
      ch.writeAndFlush(CircuitMessages.encode(ch.alloc(), CircuitMessages.hopConnect(target)));
    });
    return result.orTimeout(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    connector.close();
  }
}
