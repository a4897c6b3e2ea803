package io.peerlink.core.internal.host;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import org.junit.jupiter.api.Test;

class ProtectionsTest {
  private final PeerId relay = Identity.generate().peerId();
  private final PeerId other = Identity.generate().peerId();
  private final Protections protections = new Protections();

  @Test
  void aPeerStaysProtectedUntilItsLastTagIsReleased() {
    protections.protect(relay, "relay-reservation");
    protections.protect(relay, "circuit");
    protections.protect(relay, "circuit");

    assertTrue(protections.isProtected(relay));
    assertFalse(protections.isProtected(other));
    assertTrue(protections.unprotect(relay, "circuit"), "the reservation still holds it");
    assertTrue(protections.isProtected(relay));
    assertFalse(protections.unprotect(relay, "relay-reservation"));
    assertFalse(protections.isProtected(relay));
  }

  @Test
  void releasingATagNeverHeldChangesNothing() {
    protections.protect(relay, "circuit");

    assertTrue(protections.unprotect(relay, "hole-punch"));
    assertFalse(protections.unprotect(other, "circuit"));
    assertTrue(protections.isProtected(relay));
  }
}
