package io.peerlink.relay.server.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

/** An EmbeddedChannel that records half-close and reset like a yamux stream, with controllable writability. */
final class TestStreamChannel extends EmbeddedChannel implements DuplexChannel {
  boolean outputShut;
  boolean inputShut;
  boolean reset;

  /** Simulates the remote's window filling up (false) or opening (true). */
  void remoteWindowOpen(boolean open) {
    unsafe().outboundBuffer().setUserDefinedWritability(1, open);
    runPendingTasks();
  }

  /** Simulates the remote's FIN. */
  void remoteFin() {
    inputShut = true;
    pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
  }

  static void reset(Channel ch) {
    ((TestStreamChannel) ch).reset = true;
    ch.close();
  }

  @Override
  public boolean isInputShutdown() {
    return inputShut;
  }

  @Override
  public ChannelFuture shutdownInput() {
    inputShut = true;
    return newSucceededFuture();
  }

  @Override
  public ChannelFuture shutdownInput(ChannelPromise promise) {
    inputShut = true;
    return promise.setSuccess();
  }

  @Override
  public boolean isOutputShutdown() {
    return outputShut;
  }

  @Override
  public ChannelFuture shutdownOutput() {
    flush();
    outputShut = true;
    return newSucceededFuture();
  }

  @Override
  public ChannelFuture shutdownOutput(ChannelPromise promise) {
    shutdownOutput();
    return promise.setSuccess();
  }

  @Override
  public boolean isShutdown() {
    return inputShut && outputShut;
  }

  @Override
  public ChannelFuture shutdown() {
    shutdownOutput();
    return shutdownInput();
  }

  @Override
  public ChannelFuture shutdown(ChannelPromise promise) {
    shutdown();
    return promise.setSuccess();
  }
}
