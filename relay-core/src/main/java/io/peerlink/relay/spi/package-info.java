/** The interface through which relay-core finds a relay server (implemented by relay-server). */
package io.peerlink.relay.spi;
