package io.peerlink.core.internal.host;

import io.peerlink.core.StreamHandler;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stream handlers by protocol ID. Lookups happen once per inbound stream; registration may happen
 * from any thread at any time.
 */
public final class ProtocolRegistry {
  private final Map<String, StreamHandler> handlers = new ConcurrentHashMap<>();

  /** Registers or (with a null handler) removes the handler for {@code protocol}. */
  public void put(String protocol, StreamHandler handler) {
    Objects.requireNonNull(protocol, "protocol");
    if (protocol.isEmpty() || protocol.indexOf('\n') >= 0 || protocol.length() > 512) {
      throw new IllegalArgumentException("invalid protocol ID: " + protocol);
    }
    if (handler == null) {
      handlers.remove(protocol);
    } else {
      handlers.put(protocol, handler);
    }
  }

  /** The handler for {@code protocol}, or null. */
  public StreamHandler get(String protocol) {
    return handlers.get(protocol);
  }

  /** The registered protocol IDs, sorted (what identify announces). */
  public List<String> protocols() {
    return handlers.keySet().stream().sorted().toList();
  }
}
