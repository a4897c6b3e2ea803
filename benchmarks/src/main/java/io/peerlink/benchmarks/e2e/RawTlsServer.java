package io.peerlink.benchmarks.e2e;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLServerSocket;

/** The server end of the raw TLS baseline: a thread per connection, blocking I/O (see {@link RawTls}). */
final class RawTlsServer {
  private final SSLServerSocket server;

  private RawTlsServer(SSLServerSocket server) {
    this.server = server;
  }

  /** Listens on 127.0.0.1, any free port, TLS 1.3 only with every TLS 1.3 suite enabled. */
  static RawTlsServer start() throws Exception {
    SSLServerSocket s = (SSLServerSocket) RawTls.context().getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    s.setEnabledProtocols(new String[] {"TLSv1.3"});
    RawTlsServer server = new RawTlsServer(s);
    Thread t = new Thread(server::acceptLoop, "raw-tls-accept");
    t.setDaemon(true);
    t.start();
    return server;
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> serve(s), "raw-tls-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void serve(Socket socket) {
    byte[] buf = new byte[RawTls.CHUNK];
    try (socket) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (true) {
        byte mode;
        try {
          mode = in.readByte();
        } catch (EOFException e) {
          return;
        }
        long left = in.readLong();
        while (left > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) {
            return;
          }
          left -= n;
          if (mode == RawTls.ECHO) {
            out.write(buf, 0, n);
          }
        }
        if (mode == RawTls.SINK) {
          out.write(1);
        }
        out.flush();
      }
    } catch (IOException e) {
      // The client went away.
    }
  }
}
