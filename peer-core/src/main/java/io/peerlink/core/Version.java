package io.peerlink.core;

/** peerlink's version, as sent in identify's agent version. */
public final class Version {
  /** The library version. */
  public static final String VERSION = "0.1.0";

  private Version() {}
}
