package io.peerlink.core.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static io.peerlink.core.internal.noise.NoiseKnownAnswerTest.requireEngine;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link TransportCipher} with every buffer shape the handler meets: composite plaintext of heap
 * and direct parts, heap and direct output, and messages that straddle a composite's parts.
 */
class TransportCipherTest {
  private static final byte[] KEY = new byte[32];

  static {
    ThreadLocalRandom.current().nextBytes(KEY);
  }

  @ParameterizedTest
  @EnumSource(ChaChaPolyProvider.class)
  void roundTripsThroughEveryBufferShape(ChaChaPolyProvider provider) throws Exception {
    requireEngine(provider);
    TransportCipher tx = new TransportCipher(new CipherState(provider, KEY));
    TransportCipher rx = new TransportCipher(new CipherState(provider, KEY));
    for (int size : new int[] {0, 1, 12, 1000, 65_519}) {
      byte[] data = new byte[size];
      ThreadLocalRandom.current().nextBytes(data);
      for (boolean heapOut : new boolean[] {true, false}) {
        CompositeByteBuf plain = Unpooled.compositeBuffer();
        int cut = size / 3;
        plain.addComponents(true, Unpooled.directBuffer(Math.max(cut, 1)).writeBytes(data, 0, cut),
            Unpooled.wrappedBuffer(data, cut, size - cut));
        ByteBuf wire = heapOut ? Unpooled.buffer() : Unpooled.directBuffer();
        assertThat(tx.encryptMessage(plain, wire)).isEqualTo(size + 18);
        assertThat(plain.readableBytes()).isEqualTo(size); // left unchanged
        plain.release();
        assertThat(wire.getUnsignedShort(0)).isEqualTo(size + 16);

        // The message straddles the parts of a composite, as in a cumulation of socket reads.
        CompositeByteBuf in = Unpooled.compositeBuffer();
        int split = Math.min(7, wire.readableBytes());
        in.addComponents(true, wire.retainedSlice(0, split), wire.retainedSlice(split, wire.readableBytes() - split));
        wire.release();
        ByteBuf out = heapOut ? Unpooled.buffer(size + 5) : Unpooled.directBuffer(size + 5);
        out.writeBytes(new byte[] {9, 9, 9, 9, 9});
        assertThat(rx.decryptMessage(in, 2, size + 16, out)).isEqualTo(size);
        assertThat(ByteBufUtil.getBytes(out, 5, size)).isEqualTo(data);
        in.release();
        out.release();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ChaChaPolyProvider.class)
  void aTamperedMessageChangesNothing(ChaChaPolyProvider provider) throws Exception {
    requireEngine(provider);
    TransportCipher tx = new TransportCipher(new CipherState(provider, KEY));
    TransportCipher rx = new TransportCipher(new CipherState(provider, KEY));
    ByteBuf wire = Unpooled.directBuffer();
    ByteBuf plain = Unpooled.directBuffer(300).writeZero(300);
    tx.encryptMessage(plain, wire);
    plain.release();
    wire.setByte(100, wire.getByte(100) ^ 1);
    ByteBuf out = Unpooled.directBuffer(300);
    assertThatThrownBy(() -> rx.decryptMessage(wire, 2, 316, out)).isInstanceOf(AEADBadTagException.class);
    assertThat(out.writerIndex()).isZero();
    assertThat(rx.state().nonce()).isZero();
    wire.setByte(100, wire.getByte(100) ^ 1);
    assertThat(rx.decryptMessage(wire, 2, 316, out)).isEqualTo(300); // the same nonce still works
    assertThat(rx.state().nonce()).isEqualTo(1);
    wire.release();
    out.release();
  }
}
