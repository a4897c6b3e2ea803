package io.peerlink.core.internal.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.PeerState;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PeerStateMachineTest {

  private static final Set<String> LEGAL = Set.of(
      "CONNECTING>HANDSHAKING", "CONNECTING>DISCONNECTED",
      "HANDSHAKING>CONNECTED", "HANDSHAKING>DISCONNECTED",
      "CONNECTED>DISCONNECTING", "CONNECTED>DISCONNECTED",
      "DISCONNECTING>DISCONNECTED");

  @Test
  void onlyTheDocumentedTransitionsAreLegal() {
    for (PeerState from : PeerState.values()) {
      for (PeerState to : PeerState.values()) {
        assertThat(from.canTransitionTo(to)).as(from + " -> " + to).isEqualTo(LEGAL.contains(from + ">" + to));
      }
    }
    assertThat(PeerState.DISCONNECTED.successors()).isEmpty();
    assertThat(PeerState.DISCONNECTED.isTerminal()).isTrue();
  }

  @Test
  void happyPathMovesThroughEveryState() {
    PeerStateMachine m = new PeerStateMachine();
    assertThat(m.state()).isEqualTo(PeerState.CONNECTING);
    assertThat(m.moveTo(PeerState.HANDSHAKING)).isEqualTo(PeerState.CONNECTING);
    assertThat(m.moveTo(PeerState.CONNECTED)).isEqualTo(PeerState.HANDSHAKING);
    assertThat(m.moveTo(PeerState.DISCONNECTING)).isEqualTo(PeerState.CONNECTED);
    assertThat(m.moveTo(PeerState.DISCONNECTED)).isEqualTo(PeerState.DISCONNECTING);
  }

  @ParameterizedTest
  @EnumSource(PeerState.class)
  void everyIllegalMoveThrowsAndLeavesTheStateAlone(PeerState from) {
    for (PeerState to : EnumSet.complementOf(EnumSet.copyOf(from.successors().isEmpty()
        ? EnumSet.noneOf(PeerState.class) : from.successors()))) {
      PeerStateMachine m = reach(from);
      assertThatThrownBy(() -> m.moveTo(to))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(from + " -> " + to);
      assertThat(m.state()).isEqualTo(from);
      assertThat(m.tryMoveTo(to)).isNull();
    }
  }

  @Test
  void aSecondCloseIsNotAnError() {
    PeerStateMachine m = reach(PeerState.DISCONNECTED);
    assertThat(m.tryMoveTo(PeerState.DISCONNECTED)).isNull();
    assertThatThrownBy(() -> m.moveTo(PeerState.CONNECTED)).isInstanceOf(IllegalStateException.class);
  }

  private static PeerStateMachine reach(PeerState target) {
    PeerStateMachine m = new PeerStateMachine();
    PeerState[] path = switch (target) {
      case CONNECTING -> new PeerState[0];
      case HANDSHAKING -> new PeerState[] {PeerState.HANDSHAKING};
      case CONNECTED -> new PeerState[] {PeerState.HANDSHAKING, PeerState.CONNECTED};
      case DISCONNECTING -> new PeerState[] {PeerState.HANDSHAKING, PeerState.CONNECTED, PeerState.DISCONNECTING};
      case DISCONNECTED -> new PeerState[] {PeerState.DISCONNECTED};
    };
    for (PeerState s : path) {
      m.moveTo(s);
    }
    return m;
  }
}
