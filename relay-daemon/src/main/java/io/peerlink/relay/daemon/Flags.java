package io.peerlink.relay.daemon;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names the flag behind a library setting (the library's messages use its field names). */
final class Flags {
  private static final Pattern FIELD = Pattern.compile("\\b([a-z]+(?:[A-Z][a-z]*)+)\\b");
  private static final Map<String, String> RENAMED = Map.of("acceptsPerSecond", "accept-rate");

  private Flags() {}

  /** {@code " (--max-circuits)"} for a message about {@code maxCircuits}; empty if it names no field. */
  static String hint(String message) {
    if (message == null) {
      return "";
    }
    Matcher m = FIELD.matcher(message);
    if (!m.find()) {
      return "";
    }
    String field = m.group(1);
    String flag = RENAMED.getOrDefault(field, field.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT));
    return " (--" + flag + ")";
  }
}
