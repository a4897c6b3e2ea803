package io.peerlink.relay.daemon;

/** An address to bind an HTTP endpoint to; port 0 picks a free port. */
record HostPort(String host, int port) {
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
