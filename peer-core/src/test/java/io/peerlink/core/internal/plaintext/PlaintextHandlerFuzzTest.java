package io.peerlink.core.internal.plaintext;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.Identity;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds arbitrary bytes to a listening side's plaintext handler, as the remote's {@code Exchange}
 * and whatever follows it. The first byte sets the read size. The handler must finish the exchange
 * or fail it with a {@link PeerException}; anything else is a bug, and every buffer must be
 * released. Inputs: {@code PlaintextHandlerFuzzTestInputs}.
 */
class PlaintextHandlerFuzzTest {
  private static final Identity LOCAL = Identity.generate();

  @FuzzTest
  void exchange(byte[] data) {
    if (data.length == 0) {
      return;
    }
    int readSize = 1 + (data[0] & 0xFF);
    List<Throwable> errors = new ArrayList<>();
    EmbeddedChannel channel = new EmbeddedChannel(new PlaintextHandler(LOCAL, null),
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
          }

          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
          }
        });
    for (int i = 1; i < data.length && channel.isOpen(); i += readSize) {
      channel.writeInbound(Unpooled.copiedBuffer(data, i, Math.min(readSize, data.length - i)));
    }
    channel.finishAndReleaseAll();
    assertThat(errors).allSatisfy(e -> assertThat(e).isInstanceOf(PeerException.class));
  }
}
