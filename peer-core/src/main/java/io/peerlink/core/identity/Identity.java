package io.peerlink.core.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.util.Objects;
import java.util.Set;

/**
 * A peer's identity: its private key, from which its public key and {@link PeerId} follow. New
 * identities are Ed25519. Identities are stored as PEM (PKCS#8, {@code -----BEGIN PRIVATE KEY-----}).
 *
 * <p>Thread-safe and immutable.
 */
public final class Identity {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final PrivateKeyImpl key;

  private Identity(PrivateKeyImpl key) {
    this.key = key;
  }

  /** Wraps an internal key. Not part of the public API. */
  static Identity of(PrivateKeyImpl key) {
    return new Identity(Objects.requireNonNull(key, "key"));
  }

  /**
   * Generates a new Ed25519 identity.
   *
   * @return a new identity
   */
  public static Identity generate() {
    return of(Keys.generateEd25519());
  }

  /**
   * Reads an identity from PEM text (PKCS#8 {@code PRIVATE KEY}; Ed25519, ECDSA P-256, secp256k1 or RSA).
   * OpenSSL's traditional {@code RSA PRIVATE KEY} and {@code EC PRIVATE KEY} blocks are accepted too.
   *
   * @param pem the PEM text
   * @return the identity
   * @throws InvalidKeyException if the text holds no supported private key
   */
  public static Identity fromPem(String pem) throws InvalidKeyException {
    return of(Pem.decode(Objects.requireNonNull(pem, "pem")));
  }

  /**
   * Reads an identity from a PEM file.
   *
   * @param file the PEM file
   * @return the identity
   * @throws IOException if the file cannot be read
   * @throws InvalidKeyException if the file holds no supported private key
   */
  public static Identity fromPem(Path file) throws IOException, InvalidKeyException {
    long size = Files.size(file);
    if (size > Pem.MAX_PEM_CHARS) {
      throw notAnIdentity(file, size + " bytes, more than a PEM private key can be (" + Pem.MAX_PEM_CHARS + ")");
    }
    byte[] bytes = Files.readAllBytes(file);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xFF;
      if (b > 0x7E || (b < 0x20 && b != '\t' && b != '\n' && b != '\r')) {
        throw notAnIdentity(file, String.format("binary content (byte 0x%02x at offset %d)", b, i));
      }
    }
    try {
      return fromPem(new String(bytes, StandardCharsets.US_ASCII));
    } catch (InvalidKeyException e) {
      throw notAnIdentity(file, e.getMessage());
    }
  }

  /** Names the file, what it held, what was expected and what to do. */
  private static InvalidKeyException notAnIdentity(Path file, String found) {
    return new InvalidKeyException("identity file " + file + " holds no private key: " + found
        + ". Expected PEM text starting with -----BEGIN PRIVATE KEY----- (as peerlink writes it, or"
        + " openssl genpkey -algorithm ed25519). Give the file this peer's identity was saved in;"
        + " a path with no file yet gets a new identity there (and so a new peer ID) when it is"
        + " loaded with loadOrCreate, as the command-line tools and the relay daemon do");
  }

  /**
   * Loads the identity from {@code file} if it exists, otherwise generates one and saves it there
   * (owner-only permissions where the file system supports them), so a peer keeps its ID across restarts.
   * Two processes creating the same file at the same moment may each get a different identity; the
   * file ends up holding one of them.
   *
   * @param file the PEM file
   * @return the identity, loaded or new
   * @throws IOException if the file cannot be read or written
   * @throws InvalidKeyException if the file holds no supported private key
   */
  public static Identity loadOrCreate(Path file) throws IOException, InvalidKeyException {
    if (Files.exists(file)) {
      return fromPem(file);
    }
    Identity id = generate();
    id.writePem(file);
    return id;
  }

  /**
   * Parses a libp2p {@code PrivateKey} protobuf (the format go and js store keys in).
   *
   * @param privateKeyProtobuf the protobuf's bytes
   * @return the identity
   * @throws InvalidKeyException if malformed or unsupported
   */
  public static Identity fromProtobuf(byte[] privateKeyProtobuf) throws InvalidKeyException {
    return of(Keys.unmarshalPrivateKey(Objects.requireNonNull(privateKeyProtobuf, "privateKeyProtobuf")));
  }

  /** {@return this identity as a libp2p {@code PrivateKey} protobuf, readable by go and js; keep it secret} */
  public byte[] toProtobuf() {
    return key.marshal();
  }

  /** {@return this identity as PEM text (PKCS#8)} */
  public String toPem() {
    return Pem.encode(key);
  }

  /**
   * Writes {@link #toPem()} to {@code file}, owner-readable only where supported. The text goes to
   * a temporary file in the same directory that is then renamed over {@code file}, so a crash never
   * leaves a half-written key and the key is never readable by others, even briefly.
   *
   * @param file where to write
   * @throws IOException if the file cannot be written
   */
  public void writePem(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
    FileAttribute<?>[] attrs =
        posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
            : new FileAttribute<?>[0];
    Path tmp = Files.createTempFile(dir, ".identity", ".tmp", attrs);
    try {
      Files.writeString(tmp, toPem(), StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Signs {@code data} with this identity's libp2p signature scheme.
   *
   * @param data the bytes to sign
   * @return the signature
   */
  public byte[] sign(byte[] data) {
    return key.sign(data);
  }

  /** {@return the public half} */
  public PublicKey publicKey() {
    return key.publicKey();
  }

  /** {@return the key type} */
  public KeyType keyType() {
    return key.type();
  }

  /** {@return the peer ID} */
  public PeerId peerId() {
    return key.publicKey().peerId();
  }

  @Override
  public String toString() {
    return "Identity(" + peerId() + ")";
  }
}
