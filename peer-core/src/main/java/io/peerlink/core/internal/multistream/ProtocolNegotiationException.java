package io.peerlink.core.internal.multistream;

import io.peerlink.core.ProtocolViolationException;
import java.util.List;

/**
 * multistream-select ended without a common protocol: the remote answered {@code na} to every
 * protocol we offered. Kind {@link io.peerlink.core.PeerError#PROTOCOL}; the message lists what was
 * offered, e.g. {@code remote supports none of [/tls/1.0.0, /noise]}.
 */
public class ProtocolNegotiationException extends ProtocolViolationException {
  private static final long serialVersionUID = 1L;

  private final List<String> offered;

  /** Creates the failure for the protocols offered, in the order they were offered. */
  public ProtocolNegotiationException(List<String> offered) {
    super("remote supports none of " + offered);
    this.offered = List.copyOf(offered);
  }

  /** The protocols that were offered and refused, in order. */
  public List<String> offered() {
    return offered;
  }
}
