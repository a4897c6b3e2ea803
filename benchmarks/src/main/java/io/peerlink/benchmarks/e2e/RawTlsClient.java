package io.peerlink.benchmarks.e2e;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLSocket;

/** The client end of the raw TLS baseline: one warm connection, one transfer at a time. */
final class RawTlsClient implements AutoCloseable {
  private final SSLSocket socket;
  private final DataOutputStream out;
  private final InputStream in;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "raw-tls-writer");
    t.setDaemon(true);
    return t;
  });
  private final byte[] block = new byte[RawTls.CHUNK];
  private final byte[] sink = new byte[RawTls.CHUNK];

  private RawTlsClient(SSLSocket socket) throws IOException {
    this.socket = socket;
    this.out = new DataOutputStream(socket.getOutputStream());
    this.in = socket.getInputStream();
  }

  /** Connects with TLS 1.3 and only {@code cipherSuite} offered, and finishes the handshake. */
  static RawTlsClient connect(int port, String cipherSuite) throws Exception {
    SSLSocket s = (SSLSocket) RawTls.context().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    s.setEnabledProtocols(new String[] {"TLSv1.3"});
    s.setEnabledCipherSuites(new String[] {cipherSuite});
    s.setTcpNoDelay(true);
    s.startHandshake();
    return new RawTlsClient(s);
  }

  /** The suite the handshake agreed on. */
  String cipherSuite() {
    return socket.getSession().getCipherSuite();
  }

  /** Sends {@code bytes} and reads them back at the same time; returns the nanoseconds taken. */
  long echo(long bytes) throws Exception {
    long t0 = System.nanoTime();
    Future<?> sending = writer.submit(() -> {
      header(RawTls.ECHO, bytes);
      send(bytes);
      return null;
    });
    drain(bytes);
    sending.get();
    return System.nanoTime() - t0;
  }

  /** Sends {@code bytes} and waits for the server's one-byte answer; returns the nanoseconds taken. */
  long oneWay(long bytes) throws Exception {
    long t0 = System.nanoTime();
    header(RawTls.SINK, bytes);
    send(bytes);
    if (in.read() != 1) {
      throw new IOException("raw TLS server did not acknowledge");
    }
    return System.nanoTime() - t0;
  }

  private void header(byte mode, long bytes) throws IOException {
    out.writeByte(mode);
    out.writeLong(bytes);
  }

  private void send(long bytes) throws IOException {
    for (long left = bytes; left > 0; ) {
      int n = (int) Math.min(block.length, left);
      out.write(block, 0, n);
      left -= n;
    }
    out.flush();
  }

  private void drain(long bytes) throws IOException {
    for (long left = bytes; left > 0; ) {
      int n = in.read(sink, 0, (int) Math.min(sink.length, left));
      if (n < 0) {
        throw new IOException("raw TLS server closed with " + left + " bytes to go");
      }
      left -= n;
    }
  }

  @Override
  public void close() throws IOException {
    writer.shutdownNow();
    socket.close();
  }
}
