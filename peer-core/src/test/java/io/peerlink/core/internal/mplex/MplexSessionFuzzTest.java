package io.peerlink.core.internal.mplex;

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
import io.peerlink.core.internal.resource.ConnectionScope;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds arbitrary bytes to an mplex session (its frame decoder included), as a remote peer would.
 *
 * <p>The first input byte sets the size of the reads the rest is split into; the second, whether
 * streams read (odd) or leave everything unread (even), so the buffered-bytes bound is reached
 * too. The session must take the input or fail the connection (or a stream) with a
 * {@link PeerException}; any other exception is a bug, and every buffer must be released.
 *
 * <p>A plain test run replays the inputs under {@code MplexSessionFuzzTestInputs}; see
 * docs/testing.md, "Fuzzing", to fuzz.
 */
class MplexSessionFuzzTest {

  @FuzzTest
  void inboundBytes(byte[] data) {
    if (data.length < 2) {
      return;
    }
    int readSize = 1 + (data[0] & 0xFF);
    boolean reading = (data[1] & 1) == 1;
    List<Throwable> errors = new ArrayList<>();
    MplexSession session = new MplexSession(1 << 20, 16, 64 * 1024, new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel stream) {
        stream.config().setAutoRead(reading);
        stream.pipeline().addLast(new Discard(errors));
      }
    }, ConnectionScope.unlimited());
    EmbeddedChannel channel = new EmbeddedChannel(session, new Discard(errors));
    for (int i = 2; i < data.length && channel.isOpen(); i += readSize) {
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
