package io.peerlink.relay.daemon;

import java.io.IOException;
import java.io.Reader;
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
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(r);
    } catch (NoSuchFileException e) {
      throw new ParameterException(cmd, "--config " + file + ": no such file (working directory "
          + Path.of("").toAbsolutePath() + ")");
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
