package io.peerlink.core;

import io.peerlink.core.identity.PeerId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One remote peer over every connection we have to it: direct, hole-punched and relayed. It is
 * what an application holds for a peer, and it stays valid while the connections under it come
 * and go.
 *
 * <p>New streams open on the {@linkplain #current() selected connection}: an unlimited one
 * before a limited relayed one, a direct (or hole-punched) one before a relayed one, and among
 * equals the one with the better measured round-trip time, with hysteresis so that the choice
 * does not flap ({@link PeerConfig#pathSwitchMargin()}, {@link PeerConfig#pathSwitchSamples()}).
 * A connection whose stream opens or pings fail {@link PeerConfig#pathFailureThreshold()} times in
 * a row is demoted below the healthy ones of its kind until it succeeds
 * {@link PeerConfig#pathRecoverySuccesses()} times in a row ({@link PathQuality#demoted()}).
 * Streams already open stay where they are. Every change of the selection is reported as
 * {@link EventListener#pathChanged}; when the selected connection dies, new streams go to the
 * next-best one at once.
 *
 * <p>A stream whose protocols may not run on a limited relayed connection, opened while only such
 * a connection exists, waits up to {@link PeerConfig#waitForDirectConnection()} for a direct one
 * (a hole punch or a connection reversal) and then fails with a {@link LimitExceededException}.
 * The message API ({@link #send}, {@link #receive}, {@link #onMessage}) works on every path,
 * within a relay's data limit.
 *
 * <p>{@link #handle(String, StreamHandler)} and {@link #onMessage} apply to every connection of
 * the peer, present and future; a message handler set here is given the handle as the sender.
 *
 * <p>The {@link Peer} methods that describe one connection ({@link #remoteAddress()},
 * {@link #path()}, {@link #limit()}, {@link #securityProtocol()} …) describe the current one;
 * {@link #stats()} adds up every connection's counters and reports the current one's RTT.
 * {@link #isOpen()} is true while a connection is open or a reconnection is under way;
 * {@link #closeFuture()} completes when the handle is {@linkplain #close() closed} or the peer is
 * given up (its last connection closed and nobody reconnects). Get one from
 * {@link Connector#handle(PeerId)}, {@link Listener#handle(PeerId)} or, in protocol modules,
 * {@code Host.handle}. Thread-safe.
 */
public interface PeerHandle extends Peer {

  /** {@return the open connections to this peer, the selected one first, then best to worst} */
  List<Peer> connections();

  /** {@return the connection new streams open on; empty while no connection is open} */
  Optional<Peer> current();

  /**
   * What is measured about each open connection, in the order of {@link #connections()}.
   *
   * @return one entry per open connection
   */
  List<PathQuality> quality();

  /**
   * Completes with an unlimited connection to the peer: at once if one is open, else when one
   * appears (a hole punch or a connection reversal succeeds). Fails with a
   * {@link LimitExceededException} when none appears within {@code maxWait}, or with
   * {@link PeerError#IO} when the handle closes first.
   *
   * @param maxWait how long to wait
   * @return a future that completes with the unlimited connection
   */
  CompletableFuture<Peer> directConnection(Duration maxWait);

  /**
   * Closes every connection to the peer and the handle with them; later calls to
   * {@link #newStream} fail.
   *
   * @return a future that completes once every connection is closed
   */
  @Override
  CompletableFuture<Void> close();
}
