package io.peerlink.relay.daemon;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.PropertiesDefaultProvider;

/**
 * The {@code --config} properties file: each line {@code name=value} is the default of the option
 * {@code --name}, so flags on the command line win. The file is read before the flags are parsed
 * (picocli asks for defaults while parsing), and a key that names no option is an error rather
 * than a silently ignored typo.
 */
final class ConfigFile {
  private static final Set<String> NOT_IN_FILE = Set.of("config", "help", "version");
  /** Larger than any configuration: a file this big is something else given by mistake. */
  private static final long MAX_FILE_BYTES = 1024 * 1024;
  private static final String EXPECTED = "name=value lines (e.g. max-reservations=512)";

  private ConfigFile() {}

  /**
   * Finds {@code --config FILE} (or {@code --config=FILE}) in {@code args} and installs the file as
   * {@code cmd}'s default provider.
   *
   * @throws ParameterException if the file cannot be read or names an unknown setting
   */
  static void install(CommandLine cmd, String[] args) {
    Path file = find(args);
    if (file == null) {
      return;
    }
    Properties props = new Properties();
    try {
      props.load(new StringReader(readText(file)));
    } catch (NoSuchFileException e) {
      throw new ParameterException(cmd, "--config " + file + ": no such file (working directory "
          + Path.of("").toAbsolutePath() + "); give the path of a properties file of " + EXPECTED
          + ", or leave --config out to use flags and defaults");
    } catch (NotTextException e) {
      throw new ParameterException(cmd, "--config " + file + ": " + e.getMessage() + ", not a"
          + " properties file of " + EXPECTED + "; check that --config names the configuration"
          + " (packaging/relay.properties is an example), not the identity key or a binary");
    } catch (IOException | IllegalArgumentException e) {
      throw new ParameterException(cmd, "--config " + file + ": cannot read it: " + e.getMessage());
    }
    Set<String> known = new TreeSet<>();
    CommandSpec spec = cmd.getCommandSpec();
    for (OptionSpec o : spec.options()) {
      known.add(o.longestName().replaceFirst("^-+", ""));
    }
    known.removeAll(NOT_IN_FILE);
    for (String key : props.stringPropertyNames()) {
      if (!known.contains(key)) {
        throw new ParameterException(cmd, "--config " + file + ": unknown setting '" + key
            + "' (settings are the option names without --, e.g. max-reservations=512)");
      }
      props.setProperty(key, props.getProperty(key).trim());
    }
    cmd.setDefaultValueProvider(new PropertiesDefaultProvider(props));
  }

  /** The file's text: UTF-8 without control characters other than tabs and line ends. */
  private static String readText(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new NotTextException(Files.size(file) + " bytes, more than any configuration needs ("
          + MAX_FILE_BYTES + ")");
    }
    byte[] bytes = Files.readAllBytes(file);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xFF;
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') {
        throw new NotTextException(String.format("binary content (byte 0x%02x at offset %d)", b, i));
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new NotTextException("not UTF-8 text (" + e.getMessage() + ")");
    }
  }

  /** The file is not a text file. */
  private static final class NotTextException extends IOException {
    private static final long serialVersionUID = 1L;

    NotTextException(String message) {
      super(message);
    }
  }

  private static Path find(String[] args) {
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--")) {
        break;
      }
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else if (args[i].startsWith("--config=")) {
        file = Path.of(args[i].substring("--config=".length()));
      }
    }
    return file;
  }
}
