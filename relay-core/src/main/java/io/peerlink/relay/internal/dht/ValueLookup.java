package io.peerlink.relay.internal.dht;

import io.peerlink.core.identity.PeerId;
import io.peerlink.relay.internal.proto.KadProtos.Message;
import io.peerlink.relay.internal.proto.KadProtos.Message.MessageType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * GET_VALUE as go runs it with its default quorum of 0: a full lookup asking every close peer,
 * every returned record checked (its key must be the one asked for, and its namespace's validator
 * must accept the value), the best value selected, and the closest peers that answered without
 * it sent a PUT_VALUE of it (the correction step), so the network converges on the best value.
 */
final class ValueLookup {
  private final KadDht dht;
  private final KadClient client;
  private final Validators validators;
  private final RecordStore records;
  private final byte[] key;
  private final List<byte[]> values = new ArrayList<>();
  private final Map<PeerId, byte[]> byPeer = new HashMap<>();

  ValueLookup(KadDht dht, KadClient client, Validators validators, RecordStore records, byte[] key) {
    this.dht = dht;
    this.client = client;
    this.validators = validators;
    this.records = records;
    this.key = key;
  }

  CompletableFuture<Optional<byte[]>> run() {
    RecordStore.Stored local = records.get(key);
    if (local != null) {
      values.add(local.value());
    }
    return dht.lookup(MessageType.GET_VALUE, key, this::reply, () -> false).thenApply(result -> {
      byte[] best;
      synchronized (this) {
        if (values.isEmpty()) {
          return Optional.<byte[]>empty();
        }
        best = values.get(validators.select(key, values));
      }
      correct(result.closest(), best);
      return Optional.of(best.clone());
    });
  }

  private void reply(KadPeer from, Message m) {
    if (!m.hasRecord()) {
      return;
    }
    byte[] value = m.getRecord().getValue().toByteArray();
    if (!Arrays.equals(m.getRecord().getKey().toByteArray(), key) || !validators.isValid(key, value)) {
      return;
    }
    synchronized (this) {
      values.add(value);
      byPeer.put(from.id(), value);
    }
  }

  /** Sends {@code best} to the closest peers that did not return it; failures are ignored. */
  private void correct(List<KadPeer> closest, byte[] best) {
    Message put = KadMessages.putValue(key, best);
    for (KadPeer p : closest) {
      byte[] had;
      synchronized (this) {
        had = byPeer.get(p.id());
      }
      if (had == null || !Arrays.equals(had, best)) {
        client.request(p, put);
      }
    }
  }
}
