package io.peerlink.core.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.peerlink.core.HandshakeException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** The ClientHello ALPN reader, on real ClientHellos and on broken ones. */
class ClientHelloAlpnTest {
  private static final String YAMUX = "/yamux/1.0.0";
  private static final String MPLEX = "/mplex/6.7.0";

  /** A ClientHello record as the JDK's TLS 1.3 client sends it, offering {@code alpn} (none if empty). */
  private static byte[] clientHelloRecord(String... alpn) throws Exception {
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(null, null, null);
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(true);
    if (alpn.length > 0) {
      SSLParameters p = engine.getSSLParameters();
      p.setApplicationProtocols(alpn);
      engine.setSSLParameters(p);
    }
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] record = new byte[out.remaining()];
    out.get(record);
    assertThat(record[0]).as("a handshake record").isEqualTo((byte) 22);
    assertThat(record[5]).as("a ClientHello").isEqualTo((byte) 1);
    return record;
  }

  /** The ClientHello body: the record without its 5-byte header and the 4-byte handshake header. */
  private static ByteBuf body(byte[] record) {
    return Unpooled.wrappedBuffer(record, 9, record.length - 9);
  }

  @Test
  void readsTheOfferInTheClientsOrder() throws Exception {
    ByteBuf hello = body(clientHelloRecord(MPLEX, YAMUX, "libp2p"));
    assertThat(ClientHelloAlpn.offered(hello)).containsExactly(MPLEX, YAMUX, "libp2p");
    assertThat(hello.readerIndex()).as("nothing consumed").isZero();
  }

  @Test
  void noAlpnExtensionIsAnEmptyOffer() throws Exception {
    assertThat(ClientHelloAlpn.offered(body(clientHelloRecord()))).isEmpty();
  }

  @Test
  void everyTruncationIsRefusedWithoutReadingPastTheEnd() throws Exception {
    byte[] record = clientHelloRecord(YAMUX, "libp2p");
    int bodyLength = record.length - 9;
    for (int n = 0; n < bodyLength; n++) {
      ByteBuf cut = Unpooled.wrappedBuffer(record, 9, n);
      try {
        // A cut just before the extensions reads as "no extensions"; every other cut is refused.
        assertThat(ClientHelloAlpn.offered(cut)).as("cut at %d", n).isEmpty();
      } catch (IllegalArgumentException expected) {
        // refused, as it should be
      } catch (RuntimeException e) {
        fail("cut at " + n + " threw " + e);
      }
    }
  }

  @Test
  void refusesAnEmptyProtocolNameAndBytesAfterTheList() {
    assertThatThrownBy(() -> ClientHelloAlpn.offered(minimalHello(new byte[] {0, 5, 2, 'h', '2'})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> ClientHelloAlpn.offered(minimalHello(new byte[] {0, 3, 3, 'h', '2'})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> ClientHelloAlpn.offered(minimalHello(new byte[] {0, 1, 0})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty ALPN protocol name");
    assertThatThrownBy(() -> ClientHelloAlpn.offered(minimalHello(new byte[] {0, 3, 2, 'h', '2', 9})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("after its protocol list");
    assertThat(ClientHelloAlpn.offered(minimalHello(new byte[] {0, 6, 2, 'h', '2', 2, 'h', '3'})))
        .containsExactly("h2", "h3");
  }

  /** A ClientHello body with one cipher suite, no session ID and one ALPN extension holding {@code alpn}. */
  private static ByteBuf minimalHello(byte[] alpn) {
    ByteBuf b = Unpooled.buffer();
    b.writeShort(0x0303).writeZero(32).writeByte(0);
    b.writeShort(2).writeShort(0x1301);
    b.writeByte(1).writeByte(0);
    b.writeShort(4 + alpn.length);
    b.writeShort(ClientHelloAlpn.EXTENSION_TYPE).writeShort(alpn.length).writeBytes(alpn);
    return b;
  }

  @Test
  void theSelectorRefusesAnOfferWithoutAnythingWeSpeakWithAnAlert() throws Exception {
    AtomicReference<String> chosen = new AtomicReference<>();
    List<Throwable> errors = new ArrayList<>();
    EmbeddedChannel ch = new EmbeddedChannel(
        new ClientHelloMuxerSelector(List.of(YAMUX), 64 * 1024, p -> {
          chosen.set(p);
          return null;
        }),
        new ChannelInboundHandlerAdapter() {
          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
          }
        });
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(clientHelloRecord("h2", "http/1.1")));
      ByteBuf alert = ch.readOutbound();
      try {
        assertThat(ByteBufUtil.hexDump(alert)).isEqualTo("15030300020278");
      } finally {
        alert.release();
      }
      assertThat(chosen.get()).isNull();
      assertThat(errors).singleElement().isInstanceOf(HandshakeException.class)
          .extracting(Throwable::getMessage).asString()
          .contains("no common ALPN protocol").contains("h2");
      // Anything more the client sends is dropped, not parsed again.
      ch.writeInbound(Unpooled.wrappedBuffer(clientHelloRecord(YAMUX)));
      assertThat(errors).hasSize(1);
      assertThat((Object) ch.readOutbound()).isNull();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void theSelectorChoosesByTheClientsPreference() throws Exception {
    for (String[] offer : new String[][] {
        {MPLEX, YAMUX, "libp2p"}, {YAMUX, MPLEX, "libp2p"}, {"libp2p"}, {}}) {
      AtomicReference<String> chosen = new AtomicReference<>();
      EmbeddedChannel ch = new EmbeddedChannel(
          new ClientHelloMuxerSelector(List.of(YAMUX, MPLEX), 64 * 1024, p -> {
            chosen.set(p);
            // Stands in for the engine (without a key it will refuse the handshake: ignored).
            return new SslHandler(dummyEngine());
          }),
          new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
              // the stand-in engine's refusal
            }
          });
      try {
        ch.writeInbound(Unpooled.wrappedBuffer(clientHelloRecord(offer)));
        String expected = offer.length == 0 ? "libp2p" : offer[0];
        assertThat(chosen.get()).as(String.join(",", offer)).isEqualTo(expected);
      } finally {
        ch.finishAndReleaseAll();
      }
    }
  }

  private static SSLEngine dummyEngine() {
    try {
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(null, null, null);
      SSLEngine engine = context.createSSLEngine();
      engine.setUseClientMode(false);
      return engine;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
