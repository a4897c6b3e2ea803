package io.peerlink.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a connection to a peer is in its life. Every connection starts in {@link #CONNECTING} and
 * ends in {@link #DISCONNECTED}; it only ever moves along the arrows below, and moving any other way
 * is a bug that raises {@link IllegalStateException}.
 *
 * <pre>
 * CONNECTING ──> HANDSHAKING ──> CONNECTED ──> DISCONNECTING ──> DISCONNECTED
 *     │               │              └──────────────────────────────^
 *     └───────────────┴─────────────────────────────────────────────^
 * </pre>
 *
 * <p>An inbound connection passes through {@code CONNECTING} at once (TCP is already up when it is
 * accepted). {@code DISCONNECTING} is a close we started (yamux go-away sent); a connection the remote
 * or the network drops goes straight to {@code DISCONNECTED}.
 */
public enum PeerState {
  /** The transport connection is being set up (TCP connect, DNS already resolved). */
  CONNECTING,
  /** Transport up; security (TLS 1.3 or Noise) and muxer negotiation in progress. */
  HANDSHAKING,
  /** Authenticated and multiplexed: streams and messages can flow. */
  CONNECTED,
  /** We are closing it: go-away sent, the transport closes next. */
  DISCONNECTING,
  /** Closed, for whatever reason. Final. */
  DISCONNECTED;

  private Set<PeerState> next;

  static {
    CONNECTING.next = EnumSet.of(HANDSHAKING, DISCONNECTED);
    HANDSHAKING.next = EnumSet.of(CONNECTED, DISCONNECTED);
    CONNECTED.next = EnumSet.of(DISCONNECTING, DISCONNECTED);
    DISCONNECTING.next = EnumSet.of(DISCONNECTED);
    DISCONNECTED.next = EnumSet.noneOf(PeerState.class);
  }

  /**
   * Whether a connection in this state may move to {@code target}.
   *
   * @param target the state to move to
   * @return whether the move is allowed
   */
  public boolean canTransitionTo(PeerState target) {
    return next.contains(target);
  }

  /** {@return the states this one may move to; empty for {@link #DISCONNECTED}} */
  public Set<PeerState> successors() {
    return next.isEmpty() ? Set.of() : EnumSet.copyOf(next);
  }

  /** {@return whether this is the final state} */
  public boolean isTerminal() {
    return this == DISCONNECTED;
  }
}
