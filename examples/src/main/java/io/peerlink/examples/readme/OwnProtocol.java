package io.peerlink.examples.readme;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.peerlink.core.Connector;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.multiaddr.Multiaddr;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.slf4j.bridge.SLF4JBridgeHandler;

public class OwnProtocol {
  static final String GREET = "/example/greet/1.0.0";

  public static void main(String[] args) throws Exception {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();

    // The responder writes as soon as the stream is set up: the stream is already active when
    // the handler runs, so a ChannelHandler's channelActive would never fire. Then it closes.
    try (Listener listener = Listener.builder(Identity.generate())
            .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
            .handler(GREET, stream -> stream.channel()
                .writeAndFlush(Unpooled.copiedBuffer("hello, " + stream.peer().peerId(), StandardCharsets.UTF_8))
                .addListener(written -> stream.channel().close()))
            .build()
            .start().join();
        Connector connector = Connector.builder(Identity.generate()).build()) {
      Peer peer = connector.connect(listener.listenAddresses().get(0)).join();
      CompletableFuture<String> greeting = new CompletableFuture<>();
      peer.newStream(GREET, stream -> stream.channel().pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf bytes) {
          received.writeBytes(ByteBufUtil.getBytes(bytes)); // the buffer is released after this returns
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
          if (event instanceof ChannelInputShutdownEvent) { // the responder is done writing
            greeting.complete(received.toString(StandardCharsets.UTF_8));
            ctx.close();
          }
        }
      })).join();
      System.out.println(greeting.join());
      peer.close().join();
    }
  }
}
