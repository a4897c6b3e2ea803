package io.peerlink.core.internal.multistream;

import static io.peerlink.core.internal.multistream.MultistreamTestSupport.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peerlink.core.ProtocolViolationException;
import org.junit.jupiter.api.Test;

class MultistreamMessagesTest {

  @Test
  void encodesNaAndLsExactlyAsTheSpecShowsThem() {
    assertThat(messages("na")).containsExactly(0x03, 'n', 'a', '\n');
    assertThat(messages("ls")).containsExactly(0x03, 'l', 's', '\n');
    assertThat(messages("/multistream/1.0.0")).startsWith(19).hasSize(20);
  }

  @Test
  void readsMessagesOneAtATimeAndWaitsForIncompleteOnes() throws Exception {
    byte[] two = messages("/multistream/1.0.0", "/noise");
    ByteBuf in = Unpooled.wrappedBuffer(two, 0, two.length - 1);
    try {
      assertThat(MultistreamMessages.tryRead(in)).isEqualTo("/multistream/1.0.0");
      int before = in.readerIndex();
      assertThat(MultistreamMessages.tryRead(in)).isNull();
      assertThat(in.readerIndex()).isEqualTo(before);
    } finally {
      in.release();
    }
  }

  @Test
  void rejectsALengthOverTheBoundBeforeThePayloadArrives() {
    ByteBuf in = Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 0x08}); // 1025
    try {
      assertThatThrownBy(() -> MultistreamMessages.tryRead(in))
          .isInstanceOf(ProtocolViolationException.class)
          .hasMessageContaining("1024");
    } finally {
      in.release();
    }
  }

  @Test
  void acceptsAMessageOfExactlyTheBound() throws Exception {
    String text = "/" + "x".repeat(1022);
    ByteBuf in = Unpooled.wrappedBuffer(messages(text));
    try {
      assertThat(MultistreamMessages.tryRead(in)).isEqualTo(text);
    } finally {
      in.release();
    }
  }

  @Test
  void refusesToEncodeLinesItCouldNotSend() {
    assertThatThrownBy(() -> MultistreamMessages.checkLine("a\nb"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MultistreamMessages.checkLine(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MultistreamMessages.checkLine("x".repeat(1024)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
