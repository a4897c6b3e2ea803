package io.peerlink.relay.internal.client;

import io.netty.channel.Channel;
import io.peerlink.core.ConnectionLimit;
import io.peerlink.core.Peer;
import io.peerlink.core.identity.PeerId;
import io.peerlink.relay.internal.circuit.HeldBytes;
import java.util.Optional;

/**
 * A raw relayed byte stream to {@link #target()}: the hop stream after the relay answered CONNECT
 * with OK. Whatever is written to {@link #channel()} reaches the target unchanged and vice versa;
 * nothing has been negotiated on it yet (a libp2p connection runs security and yamux over it, as
 * {@link RelayClient#dial} does).
 *
 * <p>Reading is paused, and the bytes that came with the relay's answer are held, until
 * {@link #start()}: put your handlers in the channel's pipeline first, then call it.
 */
public final class Circuit {
  private final Channel channel;
  private final Peer relay;
  private final PeerId target;
  private final ConnectionLimit limit;
  private final HeldBytes held;

  Circuit(Channel channel, Peer relay, PeerId target, ConnectionLimit limit, HeldBytes held) {
    this.channel = channel;
    this.relay = relay;
    this.target = target;
    this.limit = limit;
    this.held = held;
  }

  /** {@return the circuit's channel (a stream of the connection to the relay)} */
  public Channel channel() {
    return channel;
  }

  /** {@return the connection to the relay that carries the circuit} */
  public Peer relay() {
    return relay;
  }

  /** {@return the peer at the other end} */
  public PeerId target() {
    return target;
  }

  /** {@return the relay's limit on this circuit, if any} */
  public Optional<ConnectionLimit> limit() {
    return Optional.ofNullable(limit);
  }

  /** Passes on the bytes held so far and resumes reading. Safe from any thread. */
  public void start() {
    if (channel.eventLoop().inEventLoop()) {
      held.passOn();
    } else {
      channel.eventLoop().execute(held::passOn);
    }
  }

  /** Closes the circuit. */
  public void close() {
    channel.close();
  }
}
