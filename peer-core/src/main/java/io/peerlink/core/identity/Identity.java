package io.peerlink.core.identity;

import java.io.IOException;
import java.nio.file.Path;
import java.security.InvalidKeyException;

/**
 * A peer's identity: its private key, from which its public key and {@link PeerId} follow. New
 * identities are Ed25519. Identities are stored as PEM (PKCS#8, {@code -----BEGIN PRIVATE KEY-----}).
 *
 * <p>Thread-safe and immutable.
 */
public final class Identity {
  private final io.peerlink.core.internal.crypto.PrivateKeyImpl key;

  private Identity(io.peerlink.core.internal.crypto.PrivateKeyImpl key) {
    this.key = key;
  }

  /** Wraps an internal key. Not part of the public API. */
  static Identity of(io.peerlink.core.internal.crypto.PrivateKeyImpl key) {
    return new Identity(key);
  }

  /** Generates a new Ed25519 identity. */
  public static Identity generate() {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Reads an identity from PEM text (PKCS#8 {@code PRIVATE KEY}; Ed25519, ECDSA P-256, secp256k1 or RSA).
   *
   * @throws InvalidKeyException if the text holds no supported private key
   */
  public static Identity fromPem(String pem) throws InvalidKeyException {
    throw new UnsupportedOperationException("TODO");
  }

  /** Reads an identity from a PEM file. */
  public static Identity fromPem(Path file) throws IOException, InvalidKeyException {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Loads the identity from {@code file} if it exists, otherwise generates one and saves it there
   * (owner-only permissions where the file system supports them), so a peer keeps its ID across restarts.
   */
  public static Identity loadOrCreate(Path file) throws IOException, InvalidKeyException {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Parses a libp2p {@code PrivateKey} protobuf (the format go and js store keys in).
   *
   * @throws InvalidKeyException if malformed or unsupported
   */
  public static Identity fromProtobuf(byte[] privateKeyProtobuf) throws InvalidKeyException {
    throw new UnsupportedOperationException("TODO");
  }

  /** This identity as PEM text (PKCS#8). */
  public String toPem() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Writes {@link #toPem()} to {@code file}, owner-readable only where supported. */
  public void writePem(Path file) throws IOException {
    throw new UnsupportedOperationException("TODO");
  }

  /** Signs {@code data} with this identity's libp2p signature scheme. */
  public byte[] sign(byte[] data) {
    return key.sign(data);
  }

  /** The public half. */
  public PublicKey publicKey() {
    return key.publicKey();
  }

  /** The peer ID. */
  public PeerId peerId() {
    return key.publicKey().peerId();
  }

  @Override
  public String toString() {
    return "Identity(" + peerId() + ")";
  }
}
