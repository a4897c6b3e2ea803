package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.spi.Host;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A listener that binds nothing (a libp2p daemon's {@code -noListenAddrs}) still dials, and serves
 * its protocols to the peers it dialed.
 */
@Timeout(60)
class ListenNowhereTest extends PeerTestSupport {
  private static final String HELLO = "/test/hello/1.0.0";

  @Test
  void aListenerBoundNowhereDialsAndServesOverTheConnectionsItOpened() throws Exception {
    Listener remote = listen();
    Listener nowhere = listen(Listener.builder(Identity.generate()).config(FAST).listenNowhere()
        .handler(HELLO, stream -> stream.channel().writeAndFlush(
            Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8)).addListener(f -> stream.channel().close())));
    assertThat(nowhere.listenAddresses()).isEmpty();

    Peer out = get(Host.of(nowhere).dial(remote.listenAddresses().get(0)));
    // The accepting side may finish its upgrade a moment after the dialer.
    await("the remote to list the connection", () -> Host.of(remote).connections().stream()
        .anyMatch(p -> p.peerId().equals(nowhere.peerId())));
    Peer back = Host.of(remote).connections().stream().filter(p -> p.peerId().equals(nowhere.peerId()))
        .findFirst().orElseThrow();
    CompletableFuture<String> reply = new CompletableFuture<>();
    get(back.newStream(HELLO, s -> s.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        reply.complete(buf.toString(StandardCharsets.UTF_8));
        buf.release();
      }
    })));
    assertThat(get(reply)).isEqualTo("hello");
    assertThat(out.isOpen()).isTrue();
  }

  @Test
  void listenNowhereAndAnAddressExcludeEachOther() {
    assertThatThrownBy(() -> Listener.builder(Identity.generate()).listenNowhere().listenOn(LOOPBACK).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exclude each other");
    assertThatThrownBy(() -> Listener.builder(Identity.generate()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("listenNowhere()");
  }
}
