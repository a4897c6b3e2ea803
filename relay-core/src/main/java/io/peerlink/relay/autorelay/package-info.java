/**
 * AutoRelay: a peer that cannot be dialed directly keeps between MinRelays and MaxRelays relay
 * reservations, on the best relays it knows, and replaces a lost one at once.
 * {@link io.peerlink.relay.autorelay.AutoRelay} (start, stop, candidates, preferred relays,
 * {@code selectRelay}, {@code refreshReservations}, {@code activeRelays}),
 * {@link io.peerlink.relay.autorelay.AutoRelayConfig}, {@link io.peerlink.relay.autorelay.AutoRelayListener}
 * (addresses changed, reserved, lost, blacklisted) and
 * {@link io.peerlink.relay.autorelay.CandidateSource} (a static list,
 * {@link io.peerlink.relay.autorelay.IdentifyCandidateSource}, later a DHT). See docs/autorelay.md.
 */
package io.peerlink.relay.autorelay;
