package io.peerlink.relay;

import io.peerlink.core.identity.PeerId;
import java.time.Duration;

/**
 * One stage of {@link Manager#dialWithReport}: what it was, how it ended and how long it took.
 *
 * @param target the peer dialed
 * @param stage {@code "direct"}, {@code "holepunch"} or {@code "relay"}
 * @param outcome {@code "ok"} (this stage's connection is returned), {@code "failed"},
 *     {@code "skipped"} (not tried, see {@code error} for why) or {@code "kept"} (the relayed
 *     connection that carried the punch's signalling, kept open next to the punched one) or
 *     {@code "upgraded"} (stage {@code "holepunch"}, after the dial already returned the relayed
 *     connection: a punch won later and a direct connection is up, which the next dial returns;
 *     {@code took} counts from the start of the relay stage)
 * @param took how long the stage ran
 * @param error why it failed or was skipped, or null
 */
public record DialStage(PeerId target, String stage, String outcome, Duration took, String error) {
  @Override
  public String toString() {
    return stage + " " + outcome + " in " + took.toMillis() + " ms" + (error != null ? " (" + error + ")" : "");
  }
}
