package io.peerlink.relay.internal.autorelay;

import static io.peerlink.relay.internal.autorelay.AutoRelayState.BOOTING;
import static io.peerlink.relay.internal.autorelay.AutoRelayState.NEW;
import static io.peerlink.relay.internal.autorelay.AutoRelayState.RUNNING;
import static io.peerlink.relay.internal.autorelay.AutoRelayState.STOPPED;
import static io.peerlink.relay.internal.autorelay.AutoRelayState.SUSPENDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AutoRelayStateTest {

  @Test
  void startBootsFromNewAndFromSuspendedAndDoesNothingWhenStarted() {
    assertThat(NEW.start()).isEqualTo(BOOTING);
    assertThat(SUSPENDED.start()).isEqualTo(BOOTING);
    assertThat(BOOTING.start()).isEqualTo(BOOTING);
    assertThat(RUNNING.start()).isEqualTo(RUNNING);
  }

  @Test
  void startingAStoppedAutoRelayIsAMistake() {
    assertThatThrownBy(STOPPED::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped");
  }

  @Test
  void theBootEndsOnlyWhileBooting() {
    assertThat(BOOTING.bootEnded()).isEqualTo(RUNNING);
    // A boot timer that fires after a suspend or a stop changes nothing.
    assertThat(NEW.bootEnded()).isEqualTo(NEW);
    assertThat(RUNNING.bootEnded()).isEqualTo(RUNNING);
    assertThat(SUSPENDED.bootEnded()).isEqualTo(SUSPENDED);
    assertThat(STOPPED.bootEnded()).isEqualTo(STOPPED);
  }

  @Test
  void suspendAppliesOnlyToAStartedAutoRelay() {
    assertThat(BOOTING.suspend()).isEqualTo(SUSPENDED);
    assertThat(RUNNING.suspend()).isEqualTo(SUSPENDED);
    assertThat(NEW.suspend()).isEqualTo(NEW);
    assertThat(SUSPENDED.suspend()).isEqualTo(SUSPENDED);
    assertThat(STOPPED.suspend()).isEqualTo(STOPPED);
  }

  @Test
  void stopIsFinalFromEveryState() {
    for (AutoRelayState s : AutoRelayState.values()) {
      assertThat(s.stop()).as("stop from %s", s).isEqualTo(STOPPED);
    }
    assertThat(STOPPED.suspend().bootEnded()).isEqualTo(STOPPED);
  }

  @Test
  void onlyBootingAndRunningCountAsStartedAndOnlyRunningReserves() {
    assertThat(AutoRelayState.values()).filteredOn(AutoRelayState::started).containsExactly(BOOTING, RUNNING);
    assertThat(AutoRelayState.values()).filteredOn(AutoRelayState::reserving).containsExactly(RUNNING);
  }

  @Test
  void aSuspendAndResumeBootsAgainBeforeReserving() {
    AutoRelayState s = NEW.start().bootEnded();
    assertThat(s).isEqualTo(RUNNING);
    s = s.suspend();
    assertThat(s.reserving()).isFalse();
    s = s.start();
    assertThat(s).isEqualTo(BOOTING);
    assertThat(s.reserving()).as("reserving waits for the boot to end again").isFalse();
    assertThat(s.bootEnded().reserving()).isTrue();
  }
}
