package io.peerlink.core.perf;

import io.peerlink.core.Peer;
import io.peerlink.core.StreamHandler;
import io.peerlink.core.internal.perf.PerfInitiator;
import io.peerlink.core.internal.perf.PerfResponder;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The libp2p perf protocol, {@value #PROTOCOL}: a throughput test any libp2p implementation can
 * run against any other (libp2p/specs {@code perf/perf.md}).
 *
 * <pre>{@code
 * // Server side: not on by default; add it where it is wanted.
 * Listener listener = Listener.builder(identity)
 *     .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
 *     .handler(Perf.PROTOCOL, Perf.server())
 *     .build().start().join();
 *
 * // Client side: upload 64 MiB, then download 64 MiB.
 * PerfResult r = Perf.measure(peer, 64 << 20, 64 << 20).join();
 * }</pre>
 *
 * <p>Both sides write slices of one block filled once per stream, only while the stream is
 * writable, so a run holds a bounded amount of memory however large it is; received bytes are
 * counted and released.
 */
public final class Perf {
  /** The protocol ID. */
  public static final String PROTOCOL = "/perf/1.0.0";

  private Perf() {}

  /** {@return a server for {@link #PROTOCOL} with {@link PerfConfig#defaults()}} */
  public static StreamHandler server() {
    return server(PerfConfig.defaults());
  }

  /**
   * A server for {@link #PROTOCOL}.
   *
   * @param config the limits the server holds a client to
   * @return a handler to register under {@link #PROTOCOL}
   */
  public static StreamHandler server(PerfConfig config) {
    Objects.requireNonNull(config, "config");
    return stream -> stream.channel().pipeline().addLast(new PerfResponder(config));
  }

  /**
   * {@link #start(Peer, long, long, PerfConfig)} with the defaults, for callers that want only the
   * result.
   *
   * @param peer the peer to measure against; it must serve {@link #PROTOCOL}
   * @param uploadBytes bytes to send
   * @param downloadBytes bytes to ask the peer to send back
   * @return the result, once the run ended
   */
  public static CompletableFuture<PerfResult> measure(Peer peer, long uploadBytes, long downloadBytes) {
    return start(peer, uploadBytes, downloadBytes, PerfConfig.defaults()).result();
  }

  /**
   * {@link #start(Peer, long, long, PerfConfig)} with the defaults.
   *
   * @param peer the peer to measure against; it must serve {@link #PROTOCOL}
   * @param uploadBytes bytes to send
   * @param downloadBytes bytes to ask the peer to send back
   * @return the run, whose counters can be read while it goes on
   */
  public static PerfRun start(Peer peer, long uploadBytes, long downloadBytes) {
    return start(peer, uploadBytes, downloadBytes, PerfConfig.defaults());
  }

  /**
   * Opens a perf stream to {@code peer}, asks for {@code downloadBytes}, uploads
   * {@code uploadBytes}, half-closes and counts what comes back.
   *
   * @param peer the peer to measure against; it must serve {@link #PROTOCOL}
   * @param uploadBytes bytes to send
   * @param downloadBytes bytes to ask the peer to send back
   * @param config the idle timeout and block size of this run
   * @return the run, whose counters can be read while it goes on
   * @throws IllegalArgumentException if a count is negative
   */
  public static PerfRun start(Peer peer, long uploadBytes, long downloadBytes, PerfConfig config) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(config, "config");
    if (uploadBytes < 0 || downloadBytes < 0) {
      throw new IllegalArgumentException("byte counts must be >= 0: upload " + uploadBytes + ", download " + downloadBytes);
    }
    PerfInitiator run = new PerfInitiator(uploadBytes, downloadBytes, config);
    peer.newStream(PROTOCOL, stream -> stream.channel().pipeline().addLast(run))
        .whenComplete((stream, err) -> {
          if (err != null) {
            run.streamFailed(err);
          }
        });
    return run;
  }
}
