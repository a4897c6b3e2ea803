package io.peerlink.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;

/**
 * JSON for the js-libp2p harness's line protocol (see {@link JsPeer}) and the command-line tools'
 * JSON lines, through Jackson: objects become {@link java.util.LinkedHashMap}s (key order kept),
 * arrays {@link java.util.List}s, integral numbers {@link Long}s, other numbers {@link Double}s.
 */
public final class JsPeerJson {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private JsPeerJson() {}

  /** Parses one JSON value; throws {@link IllegalArgumentException} on malformed input. */
  public static Object parse(String text) {
    try {
      return MAPPER.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses a JSON object; throws {@link IllegalArgumentException} if {@code text} is not one. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object value = parse(text);
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException("not a JSON object: " + text);
    }
    return (Map<String, Object>) value;
  }

  /** Writes a value as compact JSON. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + value, e);
    }
  }
}
