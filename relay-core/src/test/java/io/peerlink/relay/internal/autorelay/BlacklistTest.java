package io.peerlink.relay.internal.autorelay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.peerlink.core.EventListener;
import io.peerlink.core.PeerError;
import io.peerlink.core.PeerException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.relay.RelayException;
import io.peerlink.relay.internal.HostTimer;
import io.peerlink.relay.internal.client.Statuses;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The blacklist's times are read from a clock the test moves, and its wake-ups run on an
 * {@link EmbeddedChannel}'s loop whose time the test moves too: nothing waits for real time.
 */
@Timeout(10)
class BlacklistTest {
  private static final Duration DURATION = Duration.ofMinutes(5);
  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  private final MovableClock clock = new MovableClock(START);
  private final EmbeddedChannel loop = new EmbeddedChannel();
  private final List<Reported> reported = new ArrayList<>();
  private final AtomicInteger timeUps = new AtomicInteger();
  private final Blacklist blacklist;

  /** One {@code relayBlacklisted} event. */
  private record Reported(PeerId relay, Instant until, PeerException cause) {}

  BlacklistTest() {
    loop.freezeTime();
    EventListener recorder = new EventListener() {
      @Override
      public void relayBlacklisted(PeerId relay, Instant until, PeerException cause) {
        reported.add(new Reported(relay, until, cause));
      }
    };
    blacklist = new Blacklist(DURATION, clock, emit -> emit.accept(recorder), HostTimer.on(loop.eventLoop()),
        timeUps::incrementAndGet);
  }

  @AfterEach
  void closeLoop() {
    loop.finishAndReleaseAll();
  }

  private static CandidateState candidate(long seq) {
    PeerId id = Identity.generate().peerId();
    return new CandidateState(id, Multiaddr.parse("/ip4/127.0.0.1/tcp/" + (4000 + seq)).withPeerId(id), false, seq);
  }

  /** Moves the loop's time on and runs the wake-ups that are due. */
  private void loopTimePasses(Duration d) {
    loop.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
    loop.runScheduledPendingTasks();
  }

  @Test
  void aBlacklistedRelayIsSkippedForTheDurationAndReportedWithItsCause() {
    CandidateState c = candidate(1);
    CandidateState other = candidate(2);
    RelayException refusal = Statuses.refusal("reservation", 200);

    blacklist.add(c, refusal);

    Instant until = START.plus(DURATION);
    assertThat(c.blacklistedUntil).isEqualTo(until);
    assertThat(c.blacklisted(clock.instant())).isTrue();
    assertThat(blacklist.current(List.of(c, other))).containsExactly(Map.entry(c.id, until));
    assertThat(reported).containsExactly(new Reported(c.id, until, refusal));
    assertThat(timeUps).as("nothing wakes AutoRelay before the time is up").hasValue(0);
  }

  @Test
  void theBlacklistEndsExactlyWhenTheDurationIsUp() {
    CandidateState c = candidate(1);
    blacklist.add(c, new IOException("connection reset"));

    clock.set(START.plus(DURATION).minusNanos(1));
    assertThat(blacklist.current(List.of(c))).containsOnlyKeys(c.id);

    clock.set(START.plus(DURATION));
    assertThat(blacklist.current(List.of(c))).isEmpty();
    assertThat(c.blacklisted(clock.instant())).isFalse();
    assertThat(c.blacklistedUntil).as("the time stays on the candidate; only its reading changes")
        .isEqualTo(START.plus(DURATION));
  }

  @Test
  void whenTheTimeIsUpAutoRelayIsWokenOnceSoTheRelayIsTriedAgain() {
    CandidateState c = candidate(1);
    blacklist.add(c, null);

    loopTimePasses(DURATION.minusMillis(1));
    assertThat(timeUps).hasValue(0);
    loopTimePasses(Duration.ofMillis(1));
    assertThat(timeUps).hasValue(1);
    loopTimePasses(DURATION.multipliedBy(3));
    assertThat(timeUps).as("one wake-up per blacklisting, not a periodic one").hasValue(1);

    // Re-admitted: the candidates offer it for vetting again once the clock has passed its time.
    Candidates candidates = new Candidates(8);
    candidates.offer(c.id, c.addr, false, false);
    candidates.get(c.id).blacklistedUntil = c.blacklistedUntil;
    assertThat(candidates.toVet(Set.of(), START.plus(DURATION).minusNanos(1))).isEmpty();
    assertThat(candidates.toVet(Set.of(), START.plus(DURATION))).extracting(s -> s.id).containsExactly(c.id);
  }

  @Test
  void aRelayBlacklistedAgainIsSkippedFromTheNewTimeAndWokenForEach() {
    CandidateState c = candidate(1);
    blacklist.add(c, null);
    clock.set(START.plus(DURATION)); // re-admitted
    loopTimePasses(DURATION);
    assertThat(timeUps).hasValue(1);

    Instant again = START.plus(DURATION).plusSeconds(30);
    clock.set(again);
    blacklist.add(c, null);

    assertThat(c.blacklistedUntil).isEqualTo(again.plus(DURATION));
    assertThat(blacklist.current(List.of(c))).containsExactly(Map.entry(c.id, again.plus(DURATION)));
    assertThat(reported).extracting(Reported::until).containsExactly(START.plus(DURATION), again.plus(DURATION));
    loopTimePasses(DURATION);
    assertThat(timeUps).hasValue(2);
  }

  @Test
  void cancellingTheWakeUpsKeepsTheTimesOnTheCandidates() {
    CandidateState a = candidate(1);
    CandidateState b = candidate(2);
    blacklist.add(a, null);
    blacklist.add(b, null);

    blacklist.cancelWakeUps();
    loopTimePasses(DURATION.multipliedBy(2));

    assertThat(timeUps).as("a stopped AutoRelay is not woken").hasValue(0);
    assertThat(blacklist.current(List.of(a, b))).containsOnlyKeys(a.id, b.id);
  }

  @Test
  void everyFailureBlacklistsButOnlyAStatusFromTheRelayCountsAsARefusal() {
    // What AutoRelay does with a failed reservation: count it on the candidate, then blacklist it.
    CandidateState refused = candidate(1);
    CandidateState malformed = candidate(2);
    CandidateState unreachable = candidate(3);
    RelayException refusal = Statuses.refusal("reservation", 200);
    RelayException badAnswer = new RelayException(PeerError.PROTOCOL, "the relay's answer had no status", null);
    IOException reset = new IOException("connection reset");
    refused.reservationFailed(refusal);
    malformed.reservationFailed(badAnswer);
    unreachable.reservationFailed(reset);
    blacklist.add(refused, refusal);
    blacklist.add(malformed, badAnswer);
    blacklist.add(unreachable, reset);

    assertThat(List.of(refused.refusals, malformed.refusals, unreachable.refusals)).containsExactly(1, 0, 0);
    assertThat(List.of(refused.failures, malformed.failures, unreachable.failures)).containsExactly(0, 1, 1);
    assertThat(List.of(refused, malformed, unreachable)).allSatisfy(c -> {
      assertThat(c.vetted).as("vetted again before the next try").isFalse();
      assertThat(c.blacklistedUntil).isEqualTo(START.plus(DURATION));
    });
    // The relay's own exceptions are reported as they are; anything else as an I/O error.
    assertThat(reported).extracting(Reported::cause).element(0).isSameAs(refusal);
    assertThat(reported).extracting(Reported::cause).element(1).isSameAs(badAnswer);
    PeerException wrapped = reported.get(2).cause();
    assertThat(wrapped.kind()).isEqualTo(PeerError.IO);
    assertThat(wrapped).hasMessage("connection reset").hasCause(reset);
  }

  @Test
  void aBlacklistingWithoutACauseIsReportedWithoutOne() {
    CandidateState c = candidate(1);
    blacklist.add(c, null);
    assertThat(reported).singleElement().extracting(Reported::cause).isNull();
  }

  /** A clock that stands still until the test moves it. */
  private static final class MovableClock extends Clock {
    private Instant now;

    MovableClock(Instant start) {
      now = start;
    }

    void set(Instant t) {
      now = t;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
