package io.peerlink.core.internal.host;

import io.netty.channel.Channel;
import io.netty.handler.codec.quic.QuicChannel;
import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Direction;
import io.peerlink.core.Listener;
import io.peerlink.core.ListenerLimits;
import io.peerlink.core.ListenerStats;
import io.peerlink.core.Peer;
import io.peerlink.core.RejectReason;
import io.peerlink.core.spi.PunchExpectation;
import io.peerlink.core.spi.RefusalLog;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/**
 * What a listener does with each accepted TCP connection: the inbound limits decide at once, a
 * refused connection is closed before its first handshake byte (logged and reported as
 * {@code inboundRefused}), and an admitted one is upgraded, as the inbound side or, when a hole
 * punch expects this remote, in the punch's role. Admitted connections hold their
 * {@link AcceptedConn} until they close.
 */
public final class InboundAdmission {
  private final HostCore core;
  private final InboundGate gate;
  private final RefusalLog refusals;

  /**
   * Refused connections are logged at INFO on the {@link Listener}'s logger, one line per reason
   * per second at most.
   *
   * @param core the host the connections join
   * @param limits the inbound limits
   */
  public InboundAdmission(HostCore core, ListenerLimits limits) {
    this(core, limits, new RefusalLog(LoggerFactory.getLogger(Listener.class)));
  }

  /**
   * Refused connections are written to {@code sink} (tests), one line per reason per
   * {@code interval} of {@code nanoClock}.
   *
   * @param core the host the connections join
   * @param limits the inbound limits
   * @param interval the shortest time between two lines for one reason
   * @param nanoClock a monotonic clock in nanoseconds
   * @param sink receives each line
   */
  public InboundAdmission(HostCore core, ListenerLimits limits, Duration interval, LongSupplier nanoClock,
      Consumer<String> sink) {
    this(core, limits, new RefusalLog(interval, nanoClock, sink));
  }

  private InboundAdmission(HostCore core, ListenerLimits limits, RefusalLog refusals) {
    this.core = core;
    this.gate = new InboundGate(limits, System::nanoTime);
    this.refusals = refusals;
  }

  /** Admits or refuses {@code ch}, a freshly accepted connection; called on its event loop. */
  public void admit(Channel ch) {
    InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
    InboundGate.Decision d = gate.tryAccept(remote.getAddress());
    if (d.conn() == null) {
      RejectReason reason = d.rejected();
      ch.close();
      refusals.refused(reason.name(), remote, "inbound connection closed before its handshake");
      core.events().emit(l -> l.inboundRefused(remote, reason));
      return;
    }
    AcceptedConn accepted = d.conn();
    ch.closeFuture().addListener(f -> accepted.closed());
    CompletableFuture<Peer> upgraded = new CompletableFuture<>();
    upgraded.whenComplete((p, e) -> accepted.upgradeFinished(e == null));
    PunchExpectation punch = core.claimPunch(remote, upgraded);
    if (punch != null) {
      // A hole punch's SYN reached our listener: play the punch's role, not the listener's.
      ConnectionUpgrader.install(core, ch, punch.role(), punch.peer(), ConnectionPath.HOLE_PUNCHED, upgraded);
      return;
    }
    ConnectionUpgrader.install(core, ch, Direction.INBOUND, null, upgraded);
  }

  /**
   * Admits or refuses {@code ch}, a new QUIC connection, before its handshake; called on its event
   * loop. A connection from an address a hole punch expects is the punch's: it must prove the
   * punching peer's ID, and its path is {@link ConnectionPath#HOLE_PUNCHED}. QUIC's roles need no
   * choosing: the remote dialed, so it is the client.
   */
  public void admitQuic(QuicChannel ch) {
    InetSocketAddress remote = (InetSocketAddress) ch.remoteSocketAddress();
    InboundGate.Decision d = gate.tryAccept(remote.getAddress());
    if (d.conn() == null) {
      RejectReason reason = d.rejected();
      ch.close();
      refusals.refused(reason.name(), remote, "inbound QUIC connection closed before its handshake");
      core.events().emit(l -> l.inboundRefused(remote, reason));
      return;
    }
    AcceptedConn accepted = d.conn();
    ch.closeFuture().addListener(f -> accepted.closed());
    CompletableFuture<Peer> upgraded = new CompletableFuture<>();
    upgraded.whenComplete((p, e) -> accepted.upgradeFinished(e == null));
    PunchExpectation punch = core.claimQuicPunch(remote, upgraded);
    if (punch != null) {
      core.quic().accept(ch, punch.peer(), ConnectionPath.HOLE_PUNCHED, upgraded);
      return;
    }
    core.quic().accept(ch, null, ConnectionPath.DIRECT, upgraded);
  }

  /** {@return counters of accepted, rejected and failed inbound connections} */
  public ListenerStats stats() {
    return gate.stats();
  }

  /** Stops counting; the listener is closing. */
  public void close() {
    gate.close();
  }
}
