package io.peerlink.core.event;

/**
 * The states of the relay service, which keeps us reachable through one relay set by address.
 *
 * <pre>
 *            set relay               connect               reserved
 *   NONE ──────────────> CONFIGURED ─────────> CONNECTING ─────────> CONNECTED
 *    ^                    ^    ^                   │                     │
 *    │   remove relay     │    └── failed (retry ──┘                     │
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
