package io.peerlink.core.internal.host;

import io.peerlink.core.PeerState;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The state of one connection, moved only along {@link PeerState}'s legal transitions. Moves may
 * race (a close from a user thread against a drop seen on the event loop), so they are atomic.
 */
public final class PeerStateMachine {
  private final AtomicReference<PeerState> state = new AtomicReference<>(PeerState.CONNECTING);

  /** The current state. */
  public PeerState state() {
    return state.get();
  }

  /**
   * Moves to {@code to} and returns the state left.
   *
   * @throws IllegalStateException if the current state may not move to {@code to}
   */
  public PeerState moveTo(PeerState to) {
    while (true) {
      PeerState from = state.get();
      if (!from.canTransitionTo(to)) {
        throw new IllegalStateException("illegal peer state transition " + from + " -> " + to);
      }
      if (state.compareAndSet(from, to)) {
        return from;
      }
    }
  }

  /**
   * Moves to {@code to} if that is legal now; returns the state left, or null if the move was not
   * legal (for example a second close, or a drop after the connection already ended).
   */
  public PeerState tryMoveTo(PeerState to) {
    while (true) {
      PeerState from = state.get();
      if (!from.canTransitionTo(to)) {
        return null;
      }
      if (state.compareAndSet(from, to)) {
        return from;
      }
    }
  }
}
