/** Circuit Relay v2 server and relay daemon (being built). */
package io.peerlink.relay.server;
