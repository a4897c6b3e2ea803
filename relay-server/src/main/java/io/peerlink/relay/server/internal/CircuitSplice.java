package io.peerlink.relay.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.peerlink.core.event.CircuitEnd;
import io.peerlink.core.spi.StreamChannels;
import io.peerlink.relay.internal.circuit.HeldBytes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards bytes between the two stream channels of a circuit: the hop stream from the source and
 * the stop stream to the target.
 *
 * <ul>
 *   <li><b>Zero copy.</b> A buffer read on one side is written, as is, to the other; written per
 *       read and flushed once per read batch.
 *   <li><b>Backpressure both ways.</b> While a side is unwritable (its remote's window is full) the
 *       other side stops reading ({@code AUTO_READ} off), so the relay buffers at most a window.
 *   <li><b>Data limit, per direction, to the byte.</b> The first {@code dataLimit} bytes of each
 *       direction are forwarded; of the read that would cross it, only the bytes up to the limit are
 *       forwarded, then (once they drained, or after {@code flushTimeout}) both streams are reset.
 *       Exactly {@code dataLimit} bytes keep the circuit open: only exceeding the limit ends it.
 *   <li><b>Duration limit.</b> When it expires both streams are reset.
 *   <li><b>Half-close.</b> End of input on one side becomes {@code shutdownOutput()} (FIN) on the
 *       other; once both directions ended and both FINs are out, both streams are closed.
 *   <li><b>Failure.</b> A reset or close of either stream resets the other.
 * </ul>
 *
 * <p>Reference counting: buffers read from one side are passed to the other side's write, which
 * releases them; anything read after the circuit ended is released here.
 */
public final class CircuitSplice {
  private static final Logger log = LoggerFactory.getLogger(CircuitSplice.class);

  /** Byte notifications; called on the channels' event loops, so keep it quick. */
  @FunctionalInterface
  public interface Listener {
    /** {@code n} bytes were forwarded towards the target ({@code toTarget}) or the source. */
    void forwarded(boolean toTarget, int n);
  }

  private final Channel source;
  private final Channel target;
  private final long dataLimit;
  private final Duration duration;
  private final Duration flushTimeout;
  private final Consumer<Channel> resetter;
  private final Listener listener;
  private final AtomicBoolean ended = new AtomicBoolean();
  private final CompletableFuture<CircuitEnd> endFuture = new CompletableFuture<>();
  private final Half fromSource;
  private final Half fromTarget;

  /**
   * @param source the source's end (the hop stream)
   * @param target the target's end (the stop stream)
   * @param dataLimit bytes allowed per direction; 0 = unlimited
   * @param duration circuit lifetime; zero = unlimited
   * @param flushTimeout bound on draining the bytes up to a data limit before the reset
   * @param resetter resets a stream (sends RST); closing is the fallback for channels without one
   */
  public CircuitSplice(Channel source, Channel target, long dataLimit, Duration duration,
      Duration flushTimeout, Consumer<Channel> resetter, Listener listener) {
    this.source = source;
    this.target = target;
    this.dataLimit = dataLimit;
    this.duration = duration;
    this.flushTimeout = flushTimeout;
    this.resetter = resetter;
    this.listener = listener == null ? (t, n) -> { } : listener;
    this.fromSource = new Half(source, target, true);
    this.fromTarget = new Half(target, source, false);
  }

  /** Completes once, with why the circuit ended, after both streams were closed or reset. */
  public CompletableFuture<CircuitEnd> endFuture() {
    return endFuture;
  }

  /** Bytes forwarded from source to target so far. */
  public long bytesToTarget() {
    return fromSource.count;
  }

  /** Bytes forwarded from target to source so far. */
  public long bytesToSource() {
    return fromTarget.count;
  }

  /**
   * Starts forwarding. {@code pendingFromSource}/{@code pendingFromTarget} are bytes that arrived
   * during the handshake (after the last message); they are forwarded first and count towards the
   * limit; so are bytes held by a {@link HeldBytes} handler in either pipeline, which is removed.
   * Takes ownership of those buffers. Call with both channels' {@code AUTO_READ} off and no
   * handler consuming data left in their pipelines.
   */
  public void start(List<ByteBuf> pendingFromSource, List<ByteBuf> pendingFromTarget) {
    if (!duration.isZero()) {
      source.eventLoop().schedule(() -> abort(CircuitEnd.DURATION_LIMIT),
          duration.toNanos(), TimeUnit.NANOSECONDS);
    }
    runOn(source, () -> fromSource.install(pendingFromSource));
    runOn(target, () -> fromTarget.install(pendingFromTarget));
  }

  /** Ends the circuit now, resetting both streams; {@code why} is reported unless it already ended. */
  public void abort(CircuitEnd why) {
    if (ended.compareAndSet(false, true)) {
      resetBoth(why);
    }
  }

  /** Whether the circuit has ended (or is ending). */
  public boolean isEnded() {
    return ended.get();
  }

  private void resetBoth(CircuitEnd why) {
    runOn(source, () -> {
      source.config().setAutoRead(false);
      resetter.accept(source);
    });
    runOn(target, () -> {
      target.config().setAutoRead(false);
      resetter.accept(target);
    });
    endFuture.complete(why);
  }

  private void completeNormally() {
    if (ended.compareAndSet(false, true)) {
      ChannelFuture a = source.close();
      ChannelFuture b = target.close();
      a.addListener(x -> b.addListener(y -> endFuture.complete(CircuitEnd.COMPLETED)));
    }
  }

  private void halfDone() {
    if (fromSource.outputShut && fromTarget.outputShut) {
      completeNormally();
    }
  }

  private static void runOn(Channel ch, Runnable r) {
    if (ch.eventLoop().inEventLoop()) {
      r.run();
    } else {
      ch.eventLoop().execute(r);
    }
  }

  /** Reads {@code in}, writes to {@code out}; runs on {@code in}'s event loop. */
  private final class Half extends ChannelInboundHandlerAdapter {
    private final Channel in;
    private final Channel out;
    private final boolean toTarget;
    /** Bytes forwarded; written on in's loop only, read anywhere for views. */
    private volatile long count;
    private boolean wrote;
    private boolean inputDone;
    private volatile boolean outputShut;
    private ChannelFuture lastWrite;

    Half(Channel in, Channel out, boolean toTarget) {
      this.in = in;
      this.out = out;
      this.toTarget = toTarget;
    }

    void install(List<ByteBuf> pending) {
      in.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
      List<ByteBuf> all = new ArrayList<>(pending);
      HeldBytes held = in.pipeline().get(HeldBytes.class);
      if (held != null) {
        all.addAll(held.drain());
        in.pipeline().remove(held);
      }
      in.pipeline().addLast("circuit-splice", this);
      for (ByteBuf b : all) {
        if (ended.get()) {
          b.release();
        } else {
          forward(b);
        }
      }
      flushIfWrote();
      if (!in.isActive()) {
        abort(CircuitEnd.RESET);
        return;
      }
      if (!ended.get()) {
        // Our input waits while the other side cannot take more.
        updateAutoRead();
        Half other = this == fromSource ? fromTarget : fromSource;
        runOn(out, other::updateAutoRead);
      }
    }

    /** Reads from the other side only while this side can be written to: call on any loop. */
    void updateAutoRead() {
      // Executed on in's loop: in reads while out is writable.
      runOn(in, () -> {
        if (!ended.get() && !inputDone) {
          in.config().setAutoRead(out.isWritable());
        }
      });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf buf) || ended.get() || inputDone) {
        ReferenceCountUtil.release(msg);
        return;
      }
      forward(buf);
    }

    private void forward(ByteBuf buf) {
      int n = buf.readableBytes();
      if (n == 0) {
        buf.release();
        return;
      }
      if (dataLimit > 0 && n > dataLimit - count) {
        int allowed = (int) (dataLimit - count);
        if (allowed > 0) {
          lastWrite = out.write(buf.readRetainedSlice(allowed));
          count += allowed;
          listener.forwarded(toTarget, allowed);
        }
        buf.release();
        endAtDataLimit();
        return;
      }
      lastWrite = out.write(buf);
      wrote = true;
      count += n;
      listener.forwarded(toTarget, n);
    }

    private void endAtDataLimit() {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      log.debug("circuit data limit of {} bytes reached towards the {}", dataLimit, toTarget ? "target" : "source");
      in.config().setAutoRead(false);
      out.flush();
      AtomicBoolean once = new AtomicBoolean();
      Runnable reset = () -> {
        if (once.compareAndSet(false, true)) {
          resetBoth(CircuitEnd.DATA_LIMIT);
        }
      };
      if (lastWrite == null || lastWrite.isDone()) {
        reset.run();
      } else {
        lastWrite.addListener(f -> reset.run());
        out.eventLoop().schedule(reset, flushTimeout.toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    private void flushIfWrote() {
      if (wrote) {
        wrote = false;
        out.flush();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      flushIfWrote();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      // `in` is the other half's output: it reads while we can take its bytes.
      Half other = this == fromSource ? fromTarget : fromSource;
      other.updateAutoRead();
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if ((evt instanceof ChannelInputShutdownEvent || evt instanceof ChannelInputShutdownReadComplete)
          && !inputDone) {
        inputDone = true;
        flushIfWrote();
        if (ended.get()) {
          return;
        }
        if (out instanceof DuplexChannel) {
          // FIN behind the bytes still queued for the other side (on QUIC too; see StreamChannels).
          StreamChannels.shutdownOutput(out).addListener(f -> {
            if (f.isSuccess()) {
              outputShut = true;
              runOn(source, CircuitSplice.this::halfDone);
            } else {
              abort(CircuitEnd.RESET);
            }
          });
        } else {
          abort(CircuitEnd.RESET);
        }
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!ended.get()) {
        log.debug("circuit stream {} closed; resetting the other", in);
        abort(CircuitEnd.RESET);
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("circuit stream {} failed: {}", in, cause.toString());
      abort(CircuitEnd.RESET);
    }
  }
}
