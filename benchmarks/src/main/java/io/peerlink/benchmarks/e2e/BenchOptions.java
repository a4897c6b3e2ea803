package io.peerlink.benchmarks.e2e;

import io.peerlink.core.SecurityProtocol;

/**
 * The benchmark's parameters. {@code --quick} (the default, about two minutes) and {@code --full}
 * set them all; any single one can be given after that.
 *
 * @param warmupRounds rounds run first and thrown away (JIT, pools, windows)
 * @param warmupSize single-stream bytes in a warm-up round
 * @param rounds measured rounds
 * @param size single-stream bytes per transfer (echo and one-way)
 * @param streams concurrent echo streams on one connection
 * @param streamSize bytes per concurrent stream
 * @param handshakes connections set up per round, per implementation and security
 * @param aeadBytes bytes through the AEAD per measurement
 * @param relaySecurity the security protocol of every relay hop and of the relayed connection;
 *     Noise by default, where the AEAD (ChaCha20-Poly1305) is most of a relay's work, so its CPU per
 *     MiB can be held against one decrypt plus one encrypt
 * @param relays whether to run the relay scenarios
 */
record BenchOptions(int warmupRounds, long warmupSize, int rounds, long size, int streams, long streamSize,
    int handshakes, long aeadBytes, SecurityProtocol relaySecurity, boolean relays) {

  static final String USAGE = "usage: EndToEndBenchmark [--quick | --full] [--rounds N] [--warmup N]"
      + " [--size BYTES] [--warmup-size BYTES] [--streams N] [--stream-size BYTES] [--handshakes N]"
      + " [--aead-bytes BYTES] [--relay-security tls|noise] [--no-relays]";

  private static final long MIB = 1L << 20;

  static BenchOptions quick() {
    return new BenchOptions(1, 16 * MIB, 2, 64 * MIB, 64, MIB, 10, 128 * MIB, SecurityProtocol.NOISE, true);
  }

  static BenchOptions full() {
    return new BenchOptions(2, 64 * MIB, 5, 64 * MIB, 64, MIB, 20, 512 * MIB, SecurityProtocol.NOISE, true);
  }

  static BenchOptions parse(String[] args) {
    BenchOptions o = quick();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> o = quick();
        case "--full" -> o = full();
        case "--no-relays" -> o = new BenchOptions(o.warmupRounds, o.warmupSize, o.rounds, o.size, o.streams,
            o.streamSize, o.handshakes, o.aeadBytes, o.relaySecurity, false);
        case "--rounds", "--warmup", "--size", "--warmup-size", "--streams", "--stream-size", "--handshakes",
            "--aead-bytes", "--relay-security" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(a + " needs a value; " + USAGE);
          }
          o = o.with(a, args[++i]);
        }
        default -> throw new IllegalArgumentException("unknown argument " + a + "; " + USAGE);
      }
    }
    if (o.rounds < 1 || o.size < 1 || o.streams < 1 || o.streamSize < 1 || o.handshakes < 1 || o.aeadBytes < 1) {
      throw new IllegalArgumentException("counts and sizes must be positive; " + USAGE);
    }
    return o;
  }

  private BenchOptions with(String name, String value) {
    if (name.equals("--relay-security")) {
      SecurityProtocol s = switch (value) {
        case "tls" -> SecurityProtocol.TLS;
        case "noise" -> SecurityProtocol.NOISE;
        default -> throw new IllegalArgumentException("--relay-security takes tls or noise");
      };
      return new BenchOptions(warmupRounds, warmupSize, rounds, size, streams, streamSize, handshakes, aeadBytes, s, relays);
    }
    long v = Long.parseLong(value);
    return switch (name) {
      case "--rounds" -> new BenchOptions(warmupRounds, warmupSize, (int) v, size, streams, streamSize, handshakes, aeadBytes, relaySecurity, relays);
      case "--warmup" -> new BenchOptions((int) v, warmupSize, rounds, size, streams, streamSize, handshakes, aeadBytes, relaySecurity, relays);
      case "--size" -> new BenchOptions(warmupRounds, warmupSize, rounds, v, streams, streamSize, handshakes, aeadBytes, relaySecurity, relays);
      case "--warmup-size" -> new BenchOptions(warmupRounds, v, rounds, size, streams, streamSize, handshakes, aeadBytes, relaySecurity, relays);
      case "--streams" -> new BenchOptions(warmupRounds, warmupSize, rounds, size, (int) v, streamSize, handshakes, aeadBytes, relaySecurity, relays);
      case "--stream-size" -> new BenchOptions(warmupRounds, warmupSize, rounds, size, streams, v, handshakes, aeadBytes, relaySecurity, relays);
      case "--handshakes" -> new BenchOptions(warmupRounds, warmupSize, rounds, size, streams, streamSize, (int) v, aeadBytes, relaySecurity, relays);
      case "--aead-bytes" -> new BenchOptions(warmupRounds, warmupSize, rounds, size, streams, streamSize, handshakes, v, relaySecurity, relays);
      default -> throw new IllegalArgumentException(name);
    };
  }
}
