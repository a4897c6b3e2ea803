package io.peerlink.daemon;

import com.google.protobuf.ByteString;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.peerlink.core.Stream;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.spi.Host;
import io.peerlink.core.spi.StreamChannels;
import io.peerlink.daemon.internal.proto.ControlProtos.Response;
import io.peerlink.daemon.internal.proto.ControlProtos.StreamHandlerRequest;
import io.peerlink.daemon.internal.proto.ControlProtos.StreamInfo;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream handlers clients register (STREAM_HANDLER): for each inbound stream of a registered
 * protocol the daemon dials the client's address, writes a bare length-prefixed {@code StreamInfo}
 * (the remote peer, its address, the protocol), and pipes the stream through that socket.
 *
 * <p>A registration outlives the control connection that made it (clients close it right after the
 * OK). A client that has gone away is noticed when dialling its address fails: the stream is reset
 * and the registration dropped, giving the protocol back to the daemon's own handler if it had one
 * (such as {@code /echo/1.0.0}). Registered protocols run on limited (relayed) connections too.
 */
final class StreamHandlers {
  private static final Logger log = LoggerFactory.getLogger(StreamHandlers.class);

  private final Host host;
  private final ControlTransport transport;
  private final ControlLimits limits;
  private final Map<String, StreamHandler> builtIn;
  private final Map<String, Target> registered = new ConcurrentHashMap<>();

  /** One registered address and the streams piped to it now. */
  private record Target(ControlAddress address, AtomicInteger streams) {}

  /**
   * Handlers on {@code host}.
   *
   * @param host the node's host
   * @param transport dials the clients' addresses
   * @param limits how many handlers and streams
   * @param builtIn the daemon's own handlers, restored when a client's replacement goes away
   */
  StreamHandlers(Host host, ControlTransport transport, ControlLimits limits, Map<String, StreamHandler> builtIn) {
    this.host = host;
    this.transport = transport;
    this.limits = limits;
    this.builtIn = Map.copyOf(builtIn);
  }

  /** Registers (or re-registers, replacing the address) each protocol of the request. */
  synchronized Response register(StreamHandlerRequest request) {
    if (!request.hasAddr() || request.getProtoCount() == 0) {
      return ControlCodec.error("stream handler needs an address and at least one protocol");
    }
    ControlAddress address;
    try {
      address = ControlAddress.fromBytes(request.getAddr().toByteArray());
    } catch (IllegalArgumentException e) {
      return ControlCodec.error("bad handler address: " + e.getMessage());
    }
    long added = request.getProtoList().stream().filter(p -> !registered.containsKey(p)).distinct().count();
    if (registered.size() + added > limits.maxHandlers()) {
      return ControlCodec.error("too many stream handlers: the limit is " + limits.maxHandlers());
    }
    for (String protocol : request.getProtoList()) {
      Target target = new Target(address, new AtomicInteger());
      registered.put(protocol, target);
      host.allowOnLimitedConnections(protocol);
      host.handle(protocol, stream -> accept(protocol, target, stream));
    }
    return ControlCodec.ok();
  }

  /** {@return how many protocols have a client handler} */
  int size() {
    return registered.size();
  }

  private void accept(String protocol, Target target, Stream stream) {
    Channel channel = stream.channel();
    if (target.streams().incrementAndGet() > limits.maxStreamsPerHandler()) {
      target.streams().decrementAndGet();
      log.debug("{}: more than {} streams on the handler of {}, resetting", channel,
          limits.maxStreamsPerHandler(), protocol);
      StreamChannels.reset(channel);
      return;
    }
    HeldBytes.install(channel);
    transport.dial(target.address(), limits.handlerDialTimeout(), HeldBytes::install).addListener(f -> {
      if (!f.isSuccess()) {
        target.streams().decrementAndGet();
        log.info("handler of {} at {} is gone ({}): resetting the stream, dropping the handler",
            protocol, target.address(), f.cause().toString());
        StreamChannels.reset(channel);
        drop(protocol, target);
        return;
      }
      Channel socket = ((ChannelFuture) f).channel();
      socket.closeFuture().addListener(c -> target.streams().decrementAndGet());
      StreamInfo info = StreamInfo.newBuilder()
          .setPeer(ByteString.copyFrom(stream.peer().peerId().bytes()))
          .setAddr(ByteString.copyFrom(stream.peer().remoteAddress().withoutPeerId().bytes()))
          .setProto(stream.protocol())
          .build();
      socket.writeAndFlush(ControlCodec.encode(socket.alloc(), info, limits.maxMessageBytes()));
      Splice.join(socket, channel);
    });
  }

  private synchronized void drop(String protocol, Target target) {
    if (!registered.remove(protocol, target)) {
      return; // registered again meanwhile: the new address stays
    }
    StreamHandler own = builtIn.get(protocol);
    if (own != null) {
      host.handle(protocol, own);
    } else {
      host.removeHandler(protocol);
    }
  }
}
