/**
 * relay-core: the {@code Manager} (the one entry point), Circuit Relay v2 client, the relay
 * service, AutoRelay, DCUtR hole punching and AutoNAT. It reaches peer-core through its public API
 * and its SPI only.
 */
module io.peerlink.relay {
  requires transitive io.peerlink.core;
  requires io.netty.codec;
  requires io.netty.handler;
  requires com.google.protobuf;
  requires org.slf4j;

  exports io.peerlink.relay;
  exports io.peerlink.relay.spi;
  // The Circuit Relay v2 wire codec, shared by the client here and the relay server.
  exports io.peerlink.relay.internal.circuit to io.peerlink.relay.server;
  exports io.peerlink.relay.internal.proto to io.peerlink.relay.server;

  // The relay server (relay-server) plugs in here when it is on the module path.
  uses io.peerlink.relay.spi.RelayServerProvider;
}
