package io.peerlink.daemon;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.peerlink.daemon.internal.proto.ControlProtos.Request;
import io.peerlink.daemon.internal.proto.ControlProtos.Response;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;

/**
 * A blocking control client for tests: writes length-prefixed requests and reads length-prefixed
 * answers without reading ahead, so after STREAM_OPEN the socket's bytes are the stream's.
 */
final class ControlClient implements AutoCloseable {
  private final Closeable socket;
  final InputStream in;
  final OutputStream out;

  private ControlClient(Closeable socket, InputStream in, OutputStream out) {
    this.socket = socket;
    this.in = in;
    this.out = out;
  }

  static ControlClient connect(ControlAddress address) throws IOException {
    if (address.socket() instanceof UnixDomainSocketAddress unix) {
      SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(unix);
      return new ControlClient(ch, Channels.newInputStream(ch), Channels.newOutputStream(ch));
    }
    Socket s = new Socket();
    s.connect((InetSocketAddress) address.socket(), 5000);
    s.setSoTimeout(30_000);
    return new ControlClient(s, s.getInputStream(), s.getOutputStream());
  }

  Response call(Request request) throws IOException {
    send(request);
    return Response.parseDelimitedFrom(in);
  }

  void send(MessageLite message) throws IOException {
    message.writeDelimitedTo(out);
    out.flush();
  }

  /** Writes a length prefix of {@code length} and then {@code body}, whatever they say. */
  void sendRaw(long length, byte[] body) throws IOException {
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    coded.writeUInt64NoTag(length);
    coded.writeRawBytes(body);
    coded.flush();
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
