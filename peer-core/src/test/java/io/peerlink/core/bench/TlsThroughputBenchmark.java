package io.peerlink.core.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.peerlink.core.Connector;
import io.peerlink.core.Listener;
import io.peerlink.core.Peer;
import io.peerlink.core.PeerConfig;
import io.peerlink.core.SecurityProtocol;
import io.peerlink.core.Stream;
import io.peerlink.core.TlsEngine;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.protocol.EchoClient;
import io.peerlink.core.internal.protocol.EchoHandler;
import io.peerlink.core.internal.tls.CertifiedKey;
import io.peerlink.core.internal.tls.Libp2pCertificates;
import io.peerlink.core.multiaddr.Multiaddr;
import io.peerlink.testing.JsPeer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * Bulk throughput over libp2p TLS + yamux on each TLS engine, beside a raw JDK TLS 1.3 socket pair
 * and js-libp2p, interleaved in one run so the ratios compare (the machine is shared; absolute
 * figures drift between runs).
 *
 * <p>Each round measures, in this order: 64 MiB one way and 64 MiB echoed over a pair of JDK
 * {@code SSLSocket}s on loopback (TLS 1.3, the cipher suite peerlink negotiated, blocking I/O, one
 * thread per direction: what the JDK's own TLS does with nothing on top); the same over one stream
 * between two peerlink peers (real sockets, Listener and Connector, TLS only), once per engine; and
 * 64 MiB echoed on one stream between two js-libp2p peers over TLS (interop/js {@code echo}
 * command; the harness has no one-way command). Every byte is checked. The report gives medians in
 * MiB/s and the ratios the data path is judged by: peerlink / raw TLS and peerlink echo / js echo.
 *
 * <p>Not part of the normal test run (the class name does not end in Test). Run it with
 * <pre>
 * mvn -B -o -pl peer-core test -Dtest=TlsThroughputBenchmark -Dnetty.leak.level=disabled -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * ({@code -Dbench.rounds=N}, default 5 after one warm-up round; {@code -Dbench.mib=N}, default 64;
 * {@code -Dbench.engines=native,java}, the default; {@code -Dbench.js=false} skips js-libp2p;
 * {@code -Dbench.verify=false} only counts the bytes received instead of comparing them;
 * {@code -Dbench.jsPeerlink=true} adds peerlink-to-js echo). Results go to stdout and
 * {@code peer-core/target/bench/tls-throughput.txt}.
 */
class TlsThroughputBenchmark {
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
  private static final int MIB = Integer.getInteger("bench.mib", 64);
  private static final boolean JS = Boolean.parseBoolean(System.getProperty("bench.js", "true"));
  private static final boolean JS_PEERLINK = Boolean.getBoolean("bench.jsPeerlink");
  /** Whether every byte received is compared (on both the raw and the peerlink side); counts only if not. */
  private static final boolean VERIFY = Boolean.parseBoolean(System.getProperty("bench.verify", "true"));
  private static final List<TlsEngine> ENGINES = Arrays.stream(
          System.getProperty("bench.engines", "native,java").split(","))
      .map(e -> TlsEngine.valueOf(e.trim().toUpperCase(Locale.ROOT)))
      .toList();
  private static final String SINK = "/peerlink/bench/sink/1.0.0";
  private static final int CHUNK = 64 * 1024;
  /** Linux's USER_HZ, the unit of /proc CPU times: 100 on every mainstream build. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @Test
  void tlsThroughputBesideRawTlsAndJs() throws Exception {
    byte[] payload = new byte[MIB << 20];
    new Random(42).nextBytes(payload);
    Sink.payload = payload;
    Map<String, List<Double>> mibps = new LinkedHashMap<>();
    Map<String, List<Double>> cpu = new LinkedHashMap<>();
    List<AutoCloseable> resources = new ArrayList<>();
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      // One listener and one connector per engine, both sides on that engine.
      Map<TlsEngine, Peer> peers = new LinkedHashMap<>();
      for (TlsEngine engine : ENGINES) {
        PeerConfig cfg = PeerConfig.builder()
            .securityProtocols(SecurityProtocol.TLS).tlsEngine(engine).build();
        Listener listener = Listener.builder(Identity.generate())
            .config(cfg)
            .listenOn(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
            .handler(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new EchoHandler()))
            .handler(SINK, s -> s.channel().pipeline().addLast(new Sink()))
            .build().start().join();
        resources.add(listener);
        Connector connector = Connector.builder(Identity.generate()).config(cfg).build();
        resources.add(connector);
        peers.put(engine, connector.connect(listener.listenAddresses().get(0)).get(30, TimeUnit.SECONDS));
      }
      String suite = cipherSuite(peers.values().iterator().next());
      System.out.println("cipher suite: " + suite);
      RawTls raw = new RawTls(suite, threads);
      resources.add(raw);
      JsPeer jsA = null;
      JsPeer jsB = null;
      Peer toJsPeer = null;
      if (JS) {
        jsA = JsPeer.start("--security", "tls");
        resources.add(jsA);
        jsB = JsPeer.start("--security", "tls");
        resources.add(jsB);
        jsA.requestOk(TIMEOUT, "cmd", "dial", "addr", jsB.addr());
        if (JS_PEERLINK) {
          // js-libp2p's yamux sizes a data frame to the whole window granted; a 1 MiB window
          // keeps its frames within what peerlink accepts per frame.
          Connector toJs = Connector.builder(Identity.generate()).config(PeerConfig.builder()
              .securityProtocols(SecurityProtocol.TLS).maxStreamWindow(1 << 20).build()).build();
          resources.add(toJs);
          toJsPeer = toJs.connect(Multiaddr.parse(jsB.addr())).get(30, TimeUnit.SECONDS);
        }
      }
      LongSupplier jvmCpu = TlsThroughputBenchmark::jvmCpuNanos;
      List<Long> jsPids = JS ? List.of(jsA.process().pid(), jsB.process().pid()) : List.of();
      LongSupplier jsCpu = () -> jsPids.stream().mapToLong(TlsThroughputBenchmark::processCpuNanos).sum();
      for (int round = -1; round < ROUNDS; round++) {
        Round r = new Round();
        r.run("raw TLS one-way", jvmCpu, () -> raw.oneWay(payload));
        r.run("raw TLS echo", jvmCpu, () -> raw.echo(payload));
        for (Map.Entry<TlsEngine, Peer> e : peers.entrySet()) {
          String name = "peerlink " + e.getKey().name().toLowerCase(Locale.ROOT);
          r.run(name + " one-way", jvmCpu, () -> oneWay(e.getValue(), payload));
          r.run(name + " echo", jvmCpu, () -> echo(e.getValue(), payload));
        }
        if (JS) {
          JsPeer a = jsA;
          String b = jsB.addr();
          r.run("js echo", jsCpu, () -> (long) (((Number) a.requestOk(
              TIMEOUT, "cmd", "echo", "addr", b, "bytes", payload.length).get("ms")).doubleValue() * 1e6));
        }
        if (toJsPeer != null) {
          Peer p = toJsPeer;
          r.run("peerlink->js echo", jvmCpu, () -> echo(p, payload));
        }
        System.out.println("round " + round + ": " + r);
        if (round >= 0) {
          r.mibps.forEach((k, v) -> mibps.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
          r.cpuMsPerMib.forEach((k, v) -> cpu.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
      }
    } finally {
      for (int i = resources.size() - 1; i >= 0; i--) {
        resources.get(i).close();
      }
      threads.shutdownNow();
    }
    Map<String, Double> med = new LinkedHashMap<>();
    mibps.forEach((k, v) -> med.put(k, median(v)));
    Map<String, Double> cpuMed = new LinkedHashMap<>();
    cpu.forEach((k, v) -> cpuMed.put(k, median(v)));
    List<String> rows = new ArrayList<>();
    rows.add(String.format(Locale.ROOT, "TLS 1.3 + yamux, %d MiB on one stream, medians of %d rounds"
        + " (CPU: both ends' process CPU time per MiB moved):", MIB, ROUNDS));
    rows.add(String.format(Locale.ROOT, "  %-24s %8s %12s", "", "MiB/s", "CPU ms/MiB"));
    med.forEach((k, v) -> rows.add(String.format(Locale.ROOT, "  %-24s %8.1f %12.2f", k, v, cpuMed.get(k))));
    for (TlsEngine engine : ENGINES) {
      String name = "peerlink " + engine.name().toLowerCase(Locale.ROOT);
      for (String mode : List.of("one-way", "echo")) {
        rows.add(String.format(Locale.ROOT,
            "  %s %s / raw TLS %s: throughput %.2f, CPU efficiency %.2f", name, mode, mode,
            med.get(name + " " + mode) / med.get("raw TLS " + mode),
            cpuMed.get("raw TLS " + mode) / cpuMed.get(name + " " + mode)));
      }
      if (JS) {
        rows.add(String.format(Locale.ROOT,
            "  %s echo / js echo: throughput %.2f, CPU efficiency %.2f", name,
            med.get(name + " echo") / med.get("js echo"),
            cpuMed.get("js echo") / cpuMed.get(name + " echo")));
      }
    }
    String report = String.join("\n", rows) + "\n";
    System.out.print(report);
    Path out = Path.of("target", "bench", "tls-throughput.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
    assertThat(med.values()).allMatch(v -> v > 0);
  }

  /** The TLS 1.3 suite the connection under {@code peer} runs, as the engine names it. */
  private static String cipherSuite(Peer peer) throws Exception {
    Stream s = peer.newStream(EchoClient.PROTOCOL, st -> { }).get(30, TimeUnit.SECONDS);
    try {
      return s.channel().parent().pipeline().get(SslHandler.class).engine().getSession().getCipherSuite();
    } finally {
      s.channel().close();
    }
  }

  /** Nanoseconds to push {@code payload} to the sink and hear that every byte arrived. */
  private static long oneWay(Peer peer, byte[] payload) throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    long start = System.nanoTime();
    peer.newStream(SINK, s -> s.channel().pipeline().addLast(new Pump(payload, done, false)))
        .get(30, TimeUnit.SECONDS);
    long n = done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(n).as("bytes the sink received in order (negative: -1 - offset of the first difference)")
        .isEqualTo(payload.length);
    return System.nanoTime() - start;
  }

  /** Nanoseconds to echo {@code payload} through the remote, every byte compared. */
  private static long echo(Peer peer, byte[] payload) throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    long start = System.nanoTime();
    peer.newStream(EchoClient.PROTOCOL, s -> s.channel().pipeline().addLast(new Pump(payload, done, true)))
        .get(30, TimeUnit.SECONDS);
    long n = done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(n).isEqualTo(payload.length);
    return System.nanoTime() - start;
  }

  /**
   * Whether {@code buf}'s readable bytes equal {@code payload} from {@code offset}, compared the
   * way the raw socket's reader compares (vectorized), so checking costs both sides alike.
   */
  private static boolean same(ByteBuf buf, byte[] payload, int offset) {
    int n = buf.readableBytes();
    ByteBuffer expected = ByteBuffer.wrap(payload, offset, n);
    if (buf.nioBufferCount() == 1) {
      return buf.nioBuffer(buf.readerIndex(), n).mismatch(expected) == -1;
    }
    byte[] copy = ByteBufUtil.getBytes(buf);
    return ByteBuffer.wrap(copy).mismatch(expected) == -1;
  }

  private static double mib(double nanos) {
    return (MIB << 20) / (nanos / 1e9) / (1 << 20);
  }

  private static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  /** The CPU time this JVM has used so far, all threads. */
  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The CPU time (user + system) process {@code pid} has used so far, from /proc (Linux). */
  private static long processCpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // After the ")" that ends the command name: state is field 3, utime 14, stime 15.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    } catch (IOException e) {
      throw new AssertionError("cannot read the CPU time of process " + pid, e);
    }
  }

  /** What one round measured: MiB/s and CPU milliseconds per MiB of each transfer. */
  private static final class Round {
    final Map<String, Double> mibps = new LinkedHashMap<>();
    final Map<String, Double> cpuMsPerMib = new LinkedHashMap<>();

    /** Runs {@code transfer}, which returns its wall time in ns, and records it under {@code name}. */
    void run(String name, LongSupplier cpu, Callable<Long> transfer) throws Exception {
      long cpu0 = cpu.getAsLong();
      long nanos = transfer.call();
      long cpuNanos = cpu.getAsLong() - cpu0;
      mibps.put(name, mib(nanos));
      cpuMsPerMib.put(name, cpuNanos / 1e6 / MIB);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      mibps.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s %.1f MiB/s %.2f ms/MiB  ",
          k, v, cpuMsPerMib.get(k))));
      return sb.toString();
    }
  }

  /**
   * A JDK TLS 1.3 server socket on loopback with a client that connects anew for each transfer:
   * the baseline of what TLS itself costs here, with nothing on top. The certificate is a libp2p
   * one (its names are not empty, so the JDK parses it); trust is not checked, as it costs nothing
   * per byte.
   */
  private static final class RawTls implements AutoCloseable {
    private final SSLContext context;
    private final SSLServerSocket server;
    private final String suite;
    private final ExecutorService threads;

    RawTls(String suite, ExecutorService threads) throws Exception {
      this.suite = suite;
      this.threads = threads;
      CertifiedKey ck = Libp2pCertificates.generate(Identity.generate());
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("k", ck.privateKey(), new char[0], new X509Certificate[] {ck.certificate()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      context = SSLContext.getInstance("TLSv1.3");
      context.init(kmf.getKeyManagers(), new TrustManager[] {new TrustAll()}, null);
      server = (SSLServerSocket) context.getServerSocketFactory()
          .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
      server.setEnabledProtocols(new String[] {"TLSv1.3"});
      server.setEnabledCipherSuites(new String[] {suite});
    }

    private SSLSocket dial() throws IOException {
      SSLSocket s = (SSLSocket) context.getSocketFactory()
          .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
      s.setEnabledProtocols(new String[] {"TLSv1.3"});
      s.setEnabledCipherSuites(new String[] {suite});
      s.startHandshake();
      if (!suite.equals(s.getSession().getCipherSuite())) {
        throw new AssertionError("raw TLS negotiated " + s.getSession().getCipherSuite());
      }
      return s;
    }

    /** The server side of one transfer: echo everything, or count it and answer the count. */
    private Future<?> serveOne(boolean echo) {
      return threads.submit(() -> {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          OutputStream out = s.getOutputStream();
          byte[] buf = new byte[CHUNK];
          long count = 0;
          for (int n; (n = in.read(buf)) > 0; ) {
            count += n;
            if (echo) {
              out.write(buf, 0, n);
            }
          }
          if (!echo) {
            new DataOutputStream(out).writeLong(count);
          }
          out.flush();
          s.shutdownOutput();
          // Wait for the client to close, so its last read is not cut off by our close.
          while (in.read(buf) > 0) {
            // nothing more is expected
          }
        }
        return null;
      });
    }

    long oneWay(byte[] payload) throws Exception {
      Future<?> served = serveOne(false);
      long start = System.nanoTime();
      try (SSLSocket s = dial()) {
        OutputStream out = s.getOutputStream();
        for (int off = 0; off < payload.length; off += CHUNK) {
          out.write(payload, off, Math.min(CHUNK, payload.length - off));
        }
        out.flush();
        s.shutdownOutput();
        long n = new DataInputStream(s.getInputStream()).readLong();
        long took = System.nanoTime() - start;
        assertThat(n).isEqualTo(payload.length);
        s.close();
        served.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return took;
      }
    }

    long echo(byte[] payload) throws Exception {
      Future<?> served = serveOne(true);
      long start = System.nanoTime();
      try (SSLSocket s = dial()) {
        Future<?> writer = threads.submit(() -> {
          OutputStream out = s.getOutputStream();
          for (int off = 0; off < payload.length; off += CHUNK) {
            out.write(payload, off, Math.min(CHUNK, payload.length - off));
          }
          out.flush();
          s.shutdownOutput();
          return null;
        });
        InputStream in = s.getInputStream();
        byte[] buf = new byte[CHUNK];
        int received = 0;
        for (int n; received < payload.length && (n = in.read(buf)) > 0; received += n) {
          if (VERIFY && !Arrays.equals(buf, 0, n, payload, received, received + n)) {
            throw new AssertionError("raw echo differs at or after byte " + received);
          }
        }
        long took = System.nanoTime() - start;
        assertThat(received).isEqualTo(payload.length);
        writer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        s.close();
        served.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return took;
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  /** Trusts every certificate: the raw baseline measures bytes, not authentication. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /**
   * Writes the payload in 64 KiB slices while the stream is writable, then half-closes. In echo
   * mode it compares what comes back and completes with the byte count; in sink mode it completes
   * with the count the sink reports.
   */
  private static final class Pump extends ChannelInboundHandlerAdapter {
    private final byte[] payload;
    private final CompletableFuture<Long> done;
    private final boolean echo;
    private int sent;
    private long received;
    private ByteBuf report;

    Pump(byte[] payload, CompletableFuture<Long> done, boolean echo) {
      this.payload = payload;
      this.done = done;
      this.echo = echo;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
      if (ctx.channel().isActive()) {
        ctx.executor().execute(() -> pump(ctx));
      }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      pump(ctx);
      ctx.fireChannelActive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      pump(ctx);
    }

    private void pump(ChannelHandlerContext ctx) {
      if (sent == payload.length) {
        return;
      }
      while (sent < payload.length && ctx.channel().isWritable()) {
        int from = sent;
        int n = Math.min(CHUNK, payload.length - sent);
        // Count it before writing: a write that crosses the high water mark fires writability
        // changes, and with them this method again, before write() returns.
        sent += n;
        ctx.write(Unpooled.wrappedBuffer(payload, from, n));
      }
      ctx.flush();
      if (sent == payload.length) {
        ((DuplexChannel) ctx.channel()).shutdownOutput();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        if (!echo) {
          if (report == null) {
            report = ctx.alloc().buffer(8);
          }
          report.writeBytes(buf);
          if (report.readableBytes() >= 8) {
            done.complete(report.readLong());
            ctx.close();
          }
          return;
        }
        int n = buf.readableBytes();
        if (received + n > payload.length || (VERIFY && !same(buf, payload, (int) received))) {
          done.completeExceptionally(new AssertionError("echo differs at or after byte " + received));
          ctx.close();
          return;
        }
        received += n;
        if (received == payload.length) {
          done.complete(received);
          ctx.close();
        }
      } finally {
        buf.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (report != null) {
        report.release();
        report = null;
      }
      done.completeExceptionally(new AssertionError("stream closed after " + received + " bytes back"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      done.completeExceptionally(cause);
      ctx.close();
    }
  }

  /**
   * Compares what it reads with the payload, counts and drops it; when the input ends, answers with
   * the count, or with minus one plus minus the offset of the first byte that differs, and closes.
   */
  private static final class Sink extends ChannelInboundHandlerAdapter {
    static volatile byte[] payload; // what every sink expects: set once, before any stream opens
    private long count;
    private long firstDifference = -1;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      int n = buf.readableBytes();
      byte[] payload = Sink.payload;
      if (firstDifference < 0
          && (count + n > payload.length || (VERIFY && !same(buf, payload, (int) count)))) {
        firstDifference = count;
      }
      count += n;
      buf.release();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        long answer = firstDifference < 0 ? count : -1 - firstDifference;
        ctx.writeAndFlush(ctx.alloc().buffer(8).writeLong(answer))
            .addListener(f -> ((DuplexChannel) ctx.channel()).shutdownOutput());
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }
  }
}
