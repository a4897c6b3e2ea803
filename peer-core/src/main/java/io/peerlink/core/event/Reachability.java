package io.peerlink.core.event;

/** Whether other peers can dial us directly, as AutoNAT found out. */
public enum Reachability {
  /** Not enough answers yet (the start, or the servers disagree). */
  UNKNOWN,
  /** Enough AutoNAT servers dialed us back. */
  PUBLIC,
  /** Enough AutoNAT servers failed to dial us back: we are behind a NAT or firewall. */
  PRIVATE
}
