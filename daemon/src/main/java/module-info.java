/**
 * The peerlink daemon: a peerlink node that other programs drive over the libp2p daemon control
 * protocol (the protocol of go-libp2p-daemon's {@code p2pd} and js's {@code @libp2p/daemon-server}),
 * on a Unix socket or on loopback TCP. {@link io.peerlink.daemon.P2pd} is the command line.
 */
module io.peerlink.daemon {
  requires transitive io.peerlink.relay;
  // The relay v2 hop server behind -relay: found by the Manager through ServiceLoader.
  requires io.peerlink.relay.server;
  requires io.netty.buffer;
  requires io.netty.common;
  requires io.netty.transport;
  requires io.netty.codec;
  requires com.google.protobuf;
  requires info.picocli;
  requires org.slf4j;

  exports io.peerlink.daemon;
  opens io.peerlink.daemon to info.picocli;
}
