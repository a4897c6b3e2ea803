package io.peerlink.core.spi;

import io.peerlink.core.Direction;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.PeerId;
import java.util.concurrent.CompletableFuture;

/**
 * A hole punch in progress that expects the remote's SYN from a few addresses
 * ({@link Host#expectPunch}). When that SYN reaches our listener instead of crossing our own (the
 * remote's SYN left first, as on loopback or behind a NAT that filters by endpoint only), the
 * accepted connection must still play the punch's role, or both ends would act as servers: the
 * listener hands such a connection to the expectation instead of treating it as an ordinary
 * inbound one.
 */
public interface PunchExpectation {

  /** {@return the peer the punch is with; the accepted connection must prove this ID} */
  PeerId peer();

  /** {@return our side of the upgrade on the punched connection} */
  Direction role();

  /**
   * Completes with the upgrade of the connection our listener accepted for this punch; that inner
   * future completes with the ready connection.
   *
   * @return the accepted connection's upgrade
   */
  CompletableFuture<CompletableFuture<Peer>> accepted();

  /** Withdraws the expectation: later connections from those addresses are ordinary inbound ones. */
  void withdraw();
}
