package io.peerlink.core.internal.host;

import io.netty.channel.EventLoop;
import io.peerlink.core.MessageHandler;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The message API of one connection ({@code Peer#send}, {@code receive}, {@code onMessage}): checks
 * sizes, picks the handler, and hands the work to the connection's {@link MessageChannel} on its
 * event loop. The channel is created on first use, since most connections never send a message.
 */
final class ConnectionMessages {
  private final HostCore core;
  private final PeerConnection conn;
  private final ConnectionStats stats;
  private volatile MessageHandler handler;
  private MessageChannel channel; // event loop only, created on first use

  ConnectionMessages(HostCore core, PeerConnection conn, ConnectionStats stats) {
    this.core = core;
    this.conn = conn;
    this.stats = stats;
  }

  /** This connection's message channel, created on first use. Event loop. */
  MessageChannel channel() {
    if (channel == null) {
      channel = new MessageChannel(conn, stats, this::handler, core.config().maxMessageSize());
      if (!conn.channel().isActive()) {
        channel.close();
      }
    }
    return channel;
  }

  /** The handler for messages: this connection's, else the host's, else null (queue for receive). */
  MessageHandler handler() {
    MessageHandler h = handler;
    return h != null ? h : core.messageHandler();
  }

  void onMessage(MessageHandler handler) {
    this.handler = handler;
  }

  CompletableFuture<Void> send(byte[] message) {
    Objects.requireNonNull(message, "message");
    CompletableFuture<Void> done = new CompletableFuture<>();
    int max = core.config().maxMessageSize();
    if (message.length > max) {
      done.completeExceptionally(MessageChannel.tooLarge(message.length, max));
      return done;
    }
    eventLoop().execute(() -> channel().send(message, done));
    return done;
  }

  CompletableFuture<byte[]> receive() {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    eventLoop().execute(() -> channel().receive(result));
    return result;
  }

  /** The connection closed: fail whoever waits. Event loop. */
  void closed() {
    if (channel != null) {
      channel.close();
    }
  }

  private EventLoop eventLoop() {
    return conn.channel().eventLoop();
  }
}
