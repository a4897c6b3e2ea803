package io.peerlink.core.internal.host;

import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.PeerState;
import io.peerlink.core.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends identify push ({@code /ipfs/id/push/1.0.0}) to every connected peer when what identify
 * announces about us changes: our listen addresses (a relay reservation adds circuit addresses
 * through an address source, a listener binds) or the protocols we serve. It compares what we
 * announce every {@code PeerConfig.identifyPushDelay}, so a burst of changes goes out as one push,
 * and address sources that change without telling anyone are noticed too.
 */
final class IdentifyPusher {
  private static final Logger log = LoggerFactory.getLogger(IdentifyPusher.class);

  /** What identify announces about us, compared between checks. */
  private record Announced(List<Multiaddr> addrs, List<String> protocols) {}

  private final HostCore core;
  private Announced last; // set before the timer starts, then touched only by the timer's event loop
  private ScheduledFuture<?> timer;

  IdentifyPusher(HostCore core) {
    this.core = core;
  }

  /** Records what we announce now and starts the periodic check, unless the delay is zero (push off). */
  void start() {
    Duration every = core.config().identifyPushDelay();
    if (!every.isZero()) {
      last = announcedNow();
      timer = core.eventLoops().next().scheduleAtFixedRate(
          this::check, every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  void stop() {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private Announced announcedNow() {
    return new Announced(core.listenAddresses(), core.protocols().protocols());
  }

  /** Pushes if what we announce changed since the last check. */
  private void check() {
    try {
      Announced now = announcedNow();
      if (now.equals(last)) {
        return;
      }
      last = now;
      pushToAll();
    } catch (RuntimeException e) {
      log.warn("identify push check failed; the next check tries again", e);
    }
  }

  private void pushToAll() {
    for (PeerConnection conn : core.liveConnections()) {
      if (conn.isOpen() && conn.state() == PeerState.CONNECTED && acceptsPush(conn)) {
        IdentifyProtocol.push(core, conn).whenComplete((v, e) -> {
          if (e != null) {
            log.debug("identify push to {} failed: {}", conn.peerId(), e.toString());
          }
        });
      }
    }
  }

  /** Push to peers that announced push, and to those not identified yet, as go does. */
  private static boolean acceptsPush(PeerConnection conn) {
    IdentifyInfo info = conn.identify().getNow(null);
    return info == null || info.protocols().contains(IdentifyProtocol.PUSH);
  }
}
