package io.peerlink.relay;

/**
 * The states of a {@link RelayService}.
 *
 * <pre>
 *            setRelay                connect               reserved
 *   NONE ──────────────> CONFIGURED ─────────> CONNECTING ─────────> CONNECTED
 *    ^                    ^    ^                   │                     │
 *    │   removeRelay      │    └── failed (retry ──┘                     │
 *    └────────────────────┤        after backoff)                        │
 *        (from any state) └──────────── relay dropped / refresh failed ──┘
 *                                       (reconnects after backoff)
 * </pre>
 */
public enum RelayState {
  /** No relay set. */
  NONE,
  /** A relay is set but not connected: never asked, failed (a retry is scheduled), or dropped. */
  CONFIGURED,
  /** Dialing the relay and reserving a slot. */
  CONNECTING,
  /** Connected, with a reservation: peers can reach us through the relay. */
  CONNECTED
}
