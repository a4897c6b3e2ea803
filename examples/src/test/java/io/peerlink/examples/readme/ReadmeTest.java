package io.peerlink.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's code is the code in this package: each java block of README.md is, character for
 * character, one of these compiled files without its package line, and each runs cleanly. (The
 * consumer check, scripts/check-consumer.sh, compiles the README's own text against the installed
 * artifacts.)
 */
class ReadmeTest {
  private static final Path ROOT = root();
  private static final List<String> SAMPLES = List.of("FirstProgram", "OwnProtocol");

  private static Path root() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("README.md")) && Files.exists(p.resolve("bom/pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("no README.md above " + Path.of("").toAbsolutePath());
  }

  private static String readme() throws IOException {
    return Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
  }

  /** The fenced code blocks of {@code lang} in the README, in order. */
  static List<String> blocks(String markdown, String lang) {
    Matcher m = Pattern.compile("(?m)^```" + lang + "\\n(.*?)^```$", Pattern.DOTALL).matcher(markdown);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** A compiled sample's source without its package line and the blank line after it. */
  private static String sample(String name) throws IOException {
    String source = Files.readString(ROOT.resolve(
        "examples/src/main/java/io/peerlink/examples/readme/" + name + ".java"), StandardCharsets.UTF_8);
    String packageLine = "package io.peerlink.examples.readme;\n\n";
    assertThat(source).startsWith(packageLine);
    return source.substring(packageLine.length());
  }

  @Test
  void theReadmesJavaSamplesAreTheCompiledOnes() throws IOException {
    List<String> inReadme = blocks(readme(), "java");
    assertThat(inReadme).as("java blocks in README.md").hasSize(SAMPLES.size());
    for (int i = 0; i < SAMPLES.size(); i++) {
      assertThat(inReadme.get(i))
          .as("README.md's java block %d must equal %s.java without its package line", i + 1, SAMPLES.get(i))
          .isEqualTo(sample(SAMPLES.get(i)));
    }
  }

  @Test
  void theMavenSnippetNamesThisVersionAndTheBom() throws IOException {
    List<String> xml = blocks(readme(), "xml");
    assertThat(xml).hasSize(1);
    String version = System.getProperty("peerlink.version");
    assertThat(version).as("peerlink.version, set by the build").isNotBlank();
    assertThat(xml.get(0))
        .contains("<artifactId>peerlink-bom</artifactId>\n      <version>" + version + "</version>")
        .contains("<artifactId>peer-core</artifactId>");
  }

  @ParameterizedTest
  @CsvSource({
    "FirstProgram, 'connected over /tls/1.0.0 and /yamux/1.0.0\\nping \\d+ ms\\nthe remote runs peerlink/[0-9.]+\\n"
        + "echoed 11 bytes in \\d+ ms\\n'",
    "OwnProtocol, 'hello, 12D3KooW\\w+\\n'"
  })
  void theSampleRunsAndPrintsNoWarning(String name, String expected) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dio.netty.leakDetection.level=paranoid",
        "-cp", System.getProperty("java.class.path"), ReadmeTest.class.getPackageName() + "." + name)
        .start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return e.toString();
      }
    });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", name).isTrue();
    String stderr = err.get(10, TimeUnit.SECONDS);
    assertThat(p.exitValue()).as("exit code; stderr:%n%s", stderr).isZero();
    assertThat(out).matches(expected.replace("\\n", "\n"));
    assertThat(stderr).as("stderr").doesNotContain("SLF4J").doesNotContain("WARN").doesNotContain("LEAK");
  }
}
