package io.peerlink.relay;

import io.peerlink.core.ConnectionPath;
import io.peerlink.core.Peer;
import io.peerlink.core.event.DialStage;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The result of {@link Manager#dialWithReport}: the connection, the path that won (also
 * {@code peer.path()}) and every stage in order.
 *
 * <p>The report is what was known when the dial returned the first usable connection; it never
 * changes after. Stages still under way then (the hole punch beside a relayed connection, a
 * direct dial slower than the relay) say {@link Outcome#RUNNING}; how they end shows as the
 * {@link io.peerlink.core.EventListener}'s {@code dialStageEnd}/{@code dialStageFailed},
 * {@code holePunchEnd} and {@code connectionOpened} events; the connection joins the peer's
 * handle (what {@link Manager#dialWithPriority} returns), and the next dial finds it open (its
 * direct stage {@link Outcome#EXISTING}).
 *
 * @param peer the connection the dial returned
 * @param path how it reaches the peer: direct, hole-punched or relayed
 * @param stages each stage tried, in order, with its outcome and timing
 */
public record DialReport(Peer peer, ConnectionPath path, List<Stage> stages) {
  /**
   * Copies the stages, so the record is immutable.
   *
   * @param peer the connection the dial returned
   * @param path how it reaches the peer: direct, hole-punched or relayed
   * @param stages each stage tried, in order, with its outcome and timing
   */
  public DialReport {
    stages = List.copyOf(stages);
  }

  /** How a stage ended. */
  public enum Outcome {
    /** It reached the peer. */
    OK,
    /** It was tried and did not reach the peer. */
    FAILED,
    /** It was not tried (no address, no relay, no public address to punch to). */
    SKIPPED,
    /** An open connection of this stage's kind was returned without dialing. */
    EXISTING,
    /** It was still under way when the dial returned another stage's connection. */
    RUNNING
  }

  /**
   * One stage of a dial.
   *
   * @param stage which way of reaching the peer
   * @param outcome how it ended
   * @param took how long it ran
   * @param error why it failed or was skipped, or null
   */
  public record Stage(DialStage stage, Outcome outcome, Duration took, String error) {
    /**
     * Checks the parts.
     *
     * @param stage which way of reaching the peer
     * @param outcome how it ended
     * @param took how long it ran
     * @param error why it failed or was skipped, or null
     */
    public Stage {
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(took, "took");
    }

    @Override
    public String toString() {
      return stage.label() + " " + outcome.name().toLowerCase(Locale.ROOT)
          + " in " + took.toMillis() + " ms" + (error != null ? " (" + error + ")" : "");
    }
  }
}
