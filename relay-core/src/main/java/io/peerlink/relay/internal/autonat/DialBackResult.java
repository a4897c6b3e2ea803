package io.peerlink.relay.internal.autonat;

import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;

/**
 * One AutoNAT server's answer.
 *
 * @param server the server that answered
 * @param status OK (it dialed us back), DIAL_ERROR (it tried and failed), or a refusal that says
 *     nothing about our reachability
 * @param text the server's status text, possibly empty
 * @param addr for OK, the address the server reached us at (null if it did not say)
 */
public record DialBackResult(PeerId server, Status status, String text, Multiaddr addr) {
  /** The response statuses of AutoNAT v1. */
  public enum Status {
    /** The server dialed us back. */
    OK,
    /** Every dial back failed. */
    DIAL_ERROR,
    /** The server refused (rate limit, no address it may dial, relayed connection). */
    DIAL_REFUSED,
    /** The server found the request malformed. */
    BAD_REQUEST,
    /** The server failed internally. */
    INTERNAL_ERROR
  }
}
