package io.peerlink.relay.internal.autorelay;

/**
 * Where an {@link AutoRelay} is in its life. Every move is one of the methods below, so the rules
 * live in one place:
 *
 * <pre>
 *   NEW ──start──> BOOTING ──boot ends──> RUNNING
 *                    ^  │                   │
 *               start│  └──────suspend──────┤
 *                    │                      v
 *                 SUSPENDED <───────────────┘
 *   any ──stop──> STOPPED (for good)
 * </pre>
 *
 * <p>A move that does not apply leaves the state as it is (starting a running AutoRelay, ending a
 * boot that already ended), except starting a stopped one, which is a mistake of the caller.
 */
enum AutoRelayState {
  /** Made, never started: candidates can be added; the sources are not watched yet. */
  NEW,
  /**
   * Started; vetting the first candidates. Reserving waits until every candidate known is vetted
   * or the boot delay has passed, so the first reservations go to the best relays rather than to
   * whichever answered first.
   */
  BOOTING,
  /** Started; holds reservations, and replaces them as they are lost. */
  RUNNING,
  /**
   * Paused (the peer is publicly reachable, so needs no relay): nothing held; the sources stay
   * watched and a new start boots again.
   */
  SUSPENDED,
  /** Stopped for good: everything released, the sources closed. */
  STOPPED;

  /**
   * {@return the state after a start: a boot, unless already started}
   *
   * @throws IllegalStateException if stopped
   */
  AutoRelayState start() {
    return switch (this) {
      case NEW, SUSPENDED -> BOOTING;
      case BOOTING, RUNNING -> this;
      case STOPPED -> throw new IllegalStateException("AutoRelay stopped");
    };
  }

  /** {@return the state once every candidate is vetted or the boot delay has passed} */
  AutoRelayState bootEnded() {
    return this == BOOTING ? RUNNING : this;
  }

  /** {@return the state after a suspend: suspended if it was started, else unchanged} */
  AutoRelayState suspend() {
    return started() ? SUSPENDED : this;
  }

  /** {@return the state after a stop: always stopped} */
  AutoRelayState stop() {
    return STOPPED;
  }

  /** {@return whether started and not suspended or stopped: candidates are vetted and sources asked} */
  boolean started() {
    return this == BOOTING || this == RUNNING;
  }

  /** {@return whether reservations are made now} */
  boolean reserving() {
    return this == RUNNING;
  }
}
