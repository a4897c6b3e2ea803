package io.peerlink.daemon;

/** Which part of the Kademlia DHT the daemon asks for, from p2pd's flags. */
public enum DhtMode {
  /** No DHT (no {@code -dht*} flag). */
  OFF,
  /** {@code -dht}: go's automatic mode, which starts as a client and serves once reachable. */
  AUTO,
  /** {@code -dhtClient}: queries only. */
  CLIENT,
  /** {@code -dhtServer}: queries and answers. */
  SERVER
}
