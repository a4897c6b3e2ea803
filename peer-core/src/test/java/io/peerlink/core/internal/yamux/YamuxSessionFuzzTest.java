package io.peerlink.core.internal.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.PeerException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds arbitrary bytes to a yamux session (its frame decoder included), as a remote peer would.
 *
 * <p>The first input byte sets the size of the reads the rest is split into, so headers and
 * payloads also arrive cut at every offset. The session must either take the input or fail the
 * connection with a {@link PeerException} (a protocol violation or a limit); any other exception
 * is a bug, and every buffer must be released (leak detection is PARANOID in tests).
 *
 * <p>A plain test run replays the inputs under {@code YamuxSessionFuzzTestInputs}; see
 * docs/testing.md, "Fuzzing", to fuzz.
 */
class YamuxSessionFuzzTest {

  @FuzzTest
  void inboundBytes(byte[] data) {
    if (data.length == 0) {
      return;
    }
    int readSize = 1 + (data[0] & 0xFF);
    List<Throwable> errors = new ArrayList<>();
    YamuxConfig config = YamuxConfig.builder().keepAliveInterval(Duration.ZERO).build();
    YamuxSession session = new YamuxSession(false, config, new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel stream) {
        stream.pipeline().addLast(new Discard(errors));
      }
    });
    EmbeddedChannel channel = new EmbeddedChannel(session, new Discard(errors));
    for (int i = 1; i < data.length && channel.isOpen(); i += readSize) {
      channel.writeInbound(Unpooled.copiedBuffer(data, i, Math.min(readSize, data.length - i)));
      channel.runPendingTasks();
    }
    channel.finishAndReleaseAll();
    channel.runPendingTasks();
    for (Object m; (m = channel.readOutbound()) != null; ) {
      ReferenceCountUtil.release(m);
    }
    assertThat(errors).allSatisfy(e -> assertThat(e).isInstanceOf(PeerException.class));
  }

  /** Releases whatever reaches it and records exceptions: the end of the connection and of each stream. */
  private static final class Discard extends ChannelInboundHandlerAdapter {
    private final List<Throwable> errors;

    Discard(List<Throwable> errors) {
      this.errors = errors;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      errors.add(cause);
    }

    @Override
    public boolean isSharable() {
      return true;
    }
  }
}
