package io.peerlink.core;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that reads whatever clock the test put in {@code now[0]}: tests step time by replacing it. */
final class SteppedClock extends Clock {
  private final Clock[] now;

  SteppedClock(Clock[] now) {
    this.now = now;
  }

  @Override
  public ZoneOffset getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now[0].instant();
  }
}
