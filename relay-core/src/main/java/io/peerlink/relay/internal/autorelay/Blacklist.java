package io.peerlink.relay.internal.autorelay;

import io.netty.util.concurrent.ScheduledFuture;
import io.peerlink.core.EventListener;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.PeerId;
import io.peerlink.relay.internal.HostTimer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Relays AutoRelay skips for a while: one that refused a reservation, could not be reached, or
 * does not offer the hop protocol is not asked again until its time is up. The time is kept on the
 * {@link CandidateState} ({@link RelaySelection} leaves such candidates out); this class sets it,
 * reports it ({@code relayBlacklisted}), and, when the time is up, wakes AutoRelay so the relay
 * can be tried again.
 *
 * <p>Not thread-safe: AutoRelay calls it under its lock. The wake-up runs on the timer's loop.
 */
final class Blacklist {
  private final Duration duration;
  private final Clock clock;
  private final Consumer<Consumer<EventListener>> events;
  private final HostTimer timer;
  private final Runnable timeUp;
  private final List<ScheduledFuture<?>> wakeUps = new ArrayList<>();

  /**
   * A blacklist that keeps relays out for {@code duration}.
   *
   * @param duration how long a relay is skipped
   * @param clock the clock the times are read from
   * @param events where {@code relayBlacklisted} is reported
   * @param timer runs the wake-ups
   * @param timeUp run when a relay's time is up (it takes AutoRelay's lock itself)
   */
  Blacklist(Duration duration, Clock clock, Consumer<Consumer<EventListener>> events, HostTimer timer,
      Runnable timeUp) {
    this.duration = duration;
    this.clock = clock;
    this.events = events;
    this.timer = timer;
    this.timeUp = timeUp;
  }

  /**
   * Skips {@code c} from now for the blacklist duration, reports it, and schedules the wake-up.
   *
   * @param c the candidate
   * @param cause why, or null
   */
  void add(CandidateState c, Throwable cause) {
    Instant until = clock.instant().plus(duration);
    c.blacklistedUntil = until;
    PeerId id = c.id;
    PeerException error = cause == null ? null : PeerException.wrap(cause, PeerError.IO);
    events.accept(l -> l.relayBlacklisted(id, until, error));
    // Wake-ups that already ran are forgotten here, so the list holds only pending ones and a few done.
    wakeUps.removeIf(ScheduledFuture::isDone);
    wakeUps.add(timer.after(duration, timeUp));
  }

  /** Cancels the pending wake-ups (AutoRelay is letting go); the times on the candidates stay. */
  void cancelWakeUps() {
    for (ScheduledFuture<?> w : wakeUps) {
      w.cancel(false);
    }
    wakeUps.clear();
  }

  /**
   * The relays skipped now.
   *
   * @param candidates every candidate known
   * @return each skipped relay with the time it is skipped until, in the candidates' order
   */
  Map<PeerId, Instant> current(Collection<CandidateState> candidates) {
    Instant now = clock.instant();
    Map<PeerId, Instant> out = new LinkedHashMap<>();
    for (CandidateState c : candidates) {
      if (c.blacklisted(now)) {
        out.put(c.id, c.blacklistedUntil);
      }
    }
    return out;
  }
}
