/**
 * relay-server: a Circuit Relay v2 relay (hop and stop, reservations with vouchers, circuits with
 * limits) that a {@code Manager} enables, or that runs on its own in the relay daemon.
 */
module io.peerlink.relay.server {
  requires transitive io.peerlink.relay;
  requires io.netty.codec;
  requires com.google.protobuf;
  requires org.slf4j;

  exports io.peerlink.relay.server;

  provides io.peerlink.relay.spi.RelayServerProvider with io.peerlink.relay.server.ServerProvider;
}
