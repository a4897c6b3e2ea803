package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.peerlink.core.ResourceLimits.Resource;
import io.peerlink.core.identity.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A remote that stops reading its connection while our streams have large send windows: the
 * streams stop handing bytes to the connection once it holds what its write buffer allows, as go's
 * streams block, instead of queueing all their windows allow. What was queued used to fill the
 * connection's memory limit (32 MiB) and a new stream's receive window was then refused.
 */
class SlowReaderLoopbackTest extends PeerTestSupport {
  private static final String SINK = "/test/sink/1.0.0";
  private static final int STREAMS = 8;
  private static final int BYTES = 8 * 1024 * 1024;
  /** The receive window the slow reader grants each stream at once, so each may send it all. */
  private static final int WINDOW = 8 * 1024 * 1024;
  private static final long GIB = 1L << 30;
  /** The largest data frame yamux sends. */
  private static final int MAX_FRAME = 64 * 1024;

  private final AtomicLong received = new AtomicLong();
  private final AtomicReference<Channel> readerConnection = new AtomicReference<>();

  @Test
  void aReaderThatStopsLeavesLittleQueuedAndANewStreamStillOpens() throws Exception {
    // The reader has room for every window; the writer keeps the default limits.
    ResourceLimits roomy = ResourceLimits.builder()
        .system(ResourceLimits.DEFAULT_SYSTEM.withMemory(GIB))
        .peer(ResourceLimits.DEFAULT_PEER.withMemory(GIB))
        .connection(ResourceLimits.DEFAULT_CONNECTION.withMemory(GIB))
        .protocol(ResourceLimits.DEFAULT_PROTOCOL.withMemory(GIB))
        .stream(ResourceLimits.DEFAULT_STREAM.withMemory(GIB)).build();
    Listener reader = listen(Listener.builder(Identity.generate())
        .config(FAST.toBuilder().initialStreamWindow(WINDOW).maxStreamWindow(WINDOW)
            .resourceLimits(roomy).build())
        .listenOn(LOOPBACK)
        .handler(SINK, stream -> {
          readerConnection.set(stream.channel().parent());
          stream.channel().pipeline().addLast(new Count());
        }));
    Connector writer = connector(); // FAST's limits and write buffer marks
    Peer peer = get(writer.connect(reader.listenAddresses().get(0)));
    get(peer.identify());
    List<Stream> streams = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      streams.add(get(peer.newStream(SINK, stream -> { })));
    }
    Channel readerConn = readerConnection.get();
    readerConn.eventLoop().submit(() -> readerConn.config().setAutoRead(false)).get();
    long windowsHeld = writer.core().resources().used(Resource.MEMORY);

    byte[] data = new byte[BYTES];
    for (Stream stream : streams) {
      stream.channel().writeAndFlush(Unpooled.wrappedBuffer(data));
    }
    // The writes ran as tasks on the connection's event loop; this one runs after them, when every
    // stream has handed the connection all it was going to while the reader reads nothing.
    Channel writerConn = streams.get(0).channel().parent();
    long queued = writerConn.eventLoop()
        .submit(() -> writer.core().resources().used(Resource.MEMORY) - windowsHeld).get();
    // At most the connection's high water mark and the frame each stream was writing when it crossed.
    assertThat(queued)
        .as("outbound bytes queued on a connection whose reader stopped")
        .isLessThanOrEqualTo(FAST.connectionWriteBufferHighWaterMark() + STREAMS * MAX_FRAME);

    CompletableFuture<Stream> another = peer.newStream(SINK, stream -> { });
    readerConn.eventLoop().execute(() -> readerConn.config().setAutoRead(true));
    Stream more = get(another);
    more.channel().writeAndFlush(Unpooled.wrappedBuffer(new byte[1024]));
    await("every byte to arrive", () -> received.get() == (long) STREAMS * BYTES + 1024);
  }

  /** Counts and releases what arrives. */
  private final class Count extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      received.addAndGet(((ByteBuf) msg).readableBytes());
      ((ByteBuf) msg).release();
    }
  }
}
