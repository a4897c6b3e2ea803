package io.peerlink.core.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MuxerAlpnTest {
  private static final String YAMUX = "/yamux/1.0.0";
  private static final String MPLEX = "/mplex/6.7.0";

  @Test
  void clientOffersMuxersThenLibp2p() {
    assertThat(MuxerAlpn.offer(List.of(YAMUX))).containsExactly(YAMUX, "libp2p");
    assertThat(MuxerAlpn.offer(List.of())).containsExactly("libp2p");
    assertThat(MuxerAlpn.offer(List.of(YAMUX, "libp2p", YAMUX))).containsExactly(YAMUX, "libp2p");
  }

  @Test
  void serverFollowsTheClientsPreference() {
    assertThat(MuxerAlpn.select(List.of(MPLEX, YAMUX, "libp2p"), List.of(YAMUX, MPLEX)))
        .isEqualTo(MPLEX);
    assertThat(MuxerAlpn.select(List.of(MPLEX, YAMUX, "libp2p"), List.of(YAMUX))).isEqualTo(YAMUX);
  }

  @Test
  void serverFallsBackToLibp2pAndOtherwiseRefuses() {
    assertThat(MuxerAlpn.select(List.of(MPLEX, "libp2p"), List.of(YAMUX))).isEqualTo("libp2p");
    assertThat(MuxerAlpn.select(List.of("libp2p"), List.of())).isEqualTo("libp2p");
    assertThat(MuxerAlpn.select(List.of("h2", "http/1.1"), List.of(YAMUX))).isNull();
    assertThat(MuxerAlpn.select(List.of(), List.of(YAMUX))).isNull();
  }

  @Test
  void muxerAfterLibp2pStillWinsAsInGoAndJs() {
    assertThat(MuxerAlpn.select(List.of("libp2p", YAMUX), List.of(YAMUX))).isEqualTo(YAMUX);
  }

  @Test
  void earlyMuxerIsNullForLibp2pOrNoAlpn() {
    assertThat(MuxerAlpn.earlyMuxer(YAMUX)).isEqualTo(YAMUX);
    assertThat(MuxerAlpn.earlyMuxer("libp2p")).isNull();
    assertThat(MuxerAlpn.earlyMuxer("")).isNull();
    assertThat(MuxerAlpn.earlyMuxer(null)).isNull();
  }
}
