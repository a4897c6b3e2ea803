package io.peerlink.core.internal.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.peerlink.core.IdentifyInfo;
import io.peerlink.core.ProtocolViolationException;
import io.peerlink.core.identity.Identity;
import io.peerlink.core.internal.proto.IdentifyProtos.Identify;
import io.peerlink.core.multiaddr.Multiaddr;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a pushed identify message (possibly partial) updates what we knew of the peer. */
class IdentifyPushMergeTest {
  private final Identity remote = Identity.generate();
  private final Multiaddr a1 = Multiaddr.parse("/ip4/10.0.0.1/tcp/1");
  private final Multiaddr a2 = Multiaddr.parse("/ip4/10.0.0.2/tcp/2");
  private final IdentifyInfo known = new IdentifyInfo("ipfs/0.1.0", "js-libp2p/3", remote.publicKey(),
      List.of(a1), Multiaddr.parse("/ip4/10.0.0.9/tcp/9"), List.of("/echo/1.0.0"));

  @Test
  void aPartialPushReplacesWhatItCarriesAndKeepsTheRest() throws Exception {
    Identify push = Identify.newBuilder().addListenAddrs(ByteString.copyFrom(a2.bytes())).build();
    IdentifyInfo merged = IdentifyProtocol.applyPush(remote.peerId(), known, push);
    assertThat(merged.listenAddrs()).containsExactly(a2);
    assertThat(merged.protocols()).containsExactly("/echo/1.0.0");
    assertThat(merged.agentVersion()).isEqualTo("js-libp2p/3");
    assertThat(merged.observedAddr()).isEqualTo(known.observedAddr());

    Identify protocols = Identify.newBuilder().addProtocols("/kv/1.0.0").setAgentVersion("js-libp2p/4").build();
    IdentifyInfo again = IdentifyProtocol.applyPush(remote.peerId(), merged, protocols);
    assertThat(again.listenAddrs()).containsExactly(a2);
    assertThat(again.protocols()).containsExactly("/kv/1.0.0");
    assertThat(again.agentVersion()).isEqualTo("js-libp2p/4");
  }

  @Test
  void aPushWithAnotherPeersKeyIsRefused() {
    Identify push = Identify.newBuilder()
        .setPublicKey(ByteString.copyFrom(Identity.generate().publicKey().marshal())).build();
    assertThatThrownBy(() -> IdentifyProtocol.applyPush(remote.peerId(), known, push))
        .isInstanceOf(ProtocolViolationException.class);
  }
}
