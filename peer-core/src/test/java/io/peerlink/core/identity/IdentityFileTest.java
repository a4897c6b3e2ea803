package io.peerlink.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An identity file that is not one: the error names the file, says what it held and what was
 * expected, and what to do, rather than a decoder's {@code Input length = 1}.
 */
class IdentityFileTest {
  @TempDir
  Path dir;

  @Test
  void randomBytesAreReportedAsBinaryContentNamingTheFile() throws Exception {
    Path file = dir.resolve("peer.pem");
    byte[] random = new byte[256];
    new Random(1).nextBytes(random);
    random[10] = (byte) 0xff;
    Files.write(file, random);
    assertThatThrownBy(() -> Identity.loadOrCreate(file))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("binary content")
        .hasMessageContaining("-----BEGIN PRIVATE KEY-----")
        .hasMessageContaining("a new identity")
        .hasMessageNotContaining("Input length");
    assertThat(Files.readAllBytes(file)).as("the file is left as it was").isEqualTo(random);
  }

  @Test
  void textThatIsNoKeyAndAnEmptyFileNameTheFileAndWhatWasExpected() throws Exception {
    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "max-reservations=512\n", StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> Identity.fromPem(text))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining(text.toString())
        .hasMessageContaining("no unencrypted private key")
        .hasMessageContaining("-----BEGIN PRIVATE KEY-----");
    Path empty = Files.createFile(dir.resolve("empty.pem"));
    assertThatThrownBy(() -> Identity.fromPem(empty)).hasMessageContaining(empty.toString());
  }

  @Test
  void aFileTooLargeToBeAKeyIsRefusedBeforeReadingIt() throws Exception {
    Path big = dir.resolve("big.pem");
    Files.write(big, new byte[Pem.MAX_PEM_CHARS + 1]);
    assertThatThrownBy(() -> Identity.fromPem(big))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining(big.toString())
        .hasMessageContaining("more than a PEM private key can be");
  }

  @Test
  void aSavedIdentityStillLoads() throws Exception {
    Path file = dir.resolve("peer.pem");
    Identity id = Identity.loadOrCreate(file);
    assertThat(Identity.fromPem(file).peerId()).isEqualTo(id.peerId());
  }
}
