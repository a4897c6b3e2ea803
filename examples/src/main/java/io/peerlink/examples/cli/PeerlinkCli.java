package io.peerlink.examples.cli;

/** The peerlink command-line tool (placeholder until the transport lands). */
public final class PeerlinkCli {
  private PeerlinkCli() {}

  /** Entry point. */
  public static void main(String[] args) {
    System.out.println("{\"event\":\"error\",\"kind\":\"usage\",\"message\":\"not built yet\"}");
    System.exit(2);
  }
}
