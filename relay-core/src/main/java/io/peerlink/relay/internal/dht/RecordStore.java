package io.peerlink.relay.internal.dht;

import com.google.protobuf.ByteString;
import io.peerlink.core.identity.PeerId;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The records this peer holds for the DHT (PUT_VALUE received, and our own puts): validated by
 * namespace, the better value kept when two compete, and bounded three ways: records in all,
 * bytes per value, and records per remote peer (so one peer cannot fill the store). A record is
 * served for the record TTL after it was received. Thread-safe.
 */
public final class RecordStore {

  /** What a store attempt did. */
  public enum Outcome {
    /** Stored (new, or better than the value held). */
    STORED,
    /** The value held is better (the validator's selection, new value first, chose it): kept. */
    KEPT_EXISTING,
    /** The namespace's validator refused the value, or the key has no known namespace. */
    INVALID,
    /** A limit refused it: value size, records in all, or records of that peer. */
    LIMIT
  }

  /** A stored value: the bytes, who sent it, when it was received. */
  public record Stored(byte[] value, PeerId from, long receivedNanos) {}

  private final PeerId self;
  private final Validators validators;
  private final int maxRecords;
  private final int maxRecordBytes;
  private final int maxPerPeer;
  private final long ttlNanos;
  private final LongSupplier clock;
  private final Map<ByteString, Stored> records = new HashMap<>();
  private final Map<PeerId, Integer> perPeer = new HashMap<>();

  /**
   * An empty store.
   *
   * @param self our ID: our own puts are not charged to a remote peer's share
   * @param validators the validators by namespace
   * @param maxRecords records held in all
   * @param maxRecordBytes bytes of one value
   * @param maxPerPeer records one remote peer may have stored
   * @param ttlNanos how long a record is served
   * @param clock a nanosecond clock
   */
  public RecordStore(PeerId self, Validators validators, int maxRecords, int maxRecordBytes,
      int maxPerPeer, long ttlNanos, LongSupplier clock) {
    this.self = self;
    this.validators = validators;
    this.maxRecords = maxRecords;
    this.maxRecordBytes = maxRecordBytes;
    this.maxPerPeer = maxPerPeer;
    this.ttlNanos = ttlNanos;
    this.clock = clock;
  }

  /**
   * Validates and stores {@code value} under {@code key}.
   *
   * @param key the record key
   * @param value the value
   * @param from who sent it (our own ID for our puts)
   * @return what happened
   */
  public synchronized Outcome put(byte[] key, byte[] value, PeerId from) {
    if (value.length > maxRecordBytes) {
      return Outcome.LIMIT;
    }
    if (!validators.isValid(key, value)) {
      return Outcome.INVALID;
    }
    ByteString k = ByteString.copyFrom(key);
    long now = clock.getAsLong();
    Stored held = live(k, now);
    if (held != null && validators.select(key, List.of(value, held.value())) != 0) {
      return Outcome.KEPT_EXISTING;
    }
    boolean remote = !from.equals(self);
    boolean samePeer = held != null && held.from().equals(from);
    if (remote && !samePeer && perPeer.getOrDefault(from, 0) >= maxPerPeer) {
      return Outcome.LIMIT;
    }
    if (held == null && records.size() >= maxRecords) {
      expire(now);
      if (records.size() >= maxRecords) {
        return Outcome.LIMIT;
      }
    }
    if (held != null) {
      uncharge(held.from());
    }
    records.put(k, new Stored(value.clone(), from, now));
    if (remote) {
      perPeer.merge(from, 1, Integer::sum);
    }
    return Outcome.STORED;
  }

  /**
   * {@return the live record under {@code key}, or null}
   *
   * @param key the record key
   */
  public synchronized Stored get(byte[] key) {
    return live(ByteString.copyFrom(key), clock.getAsLong());
  }

  /** {@return how many records are held, expired ones not yet dropped included} */
  public synchronized int size() {
    return records.size();
  }

  /** Drops expired records. */
  public synchronized void expire() {
    expire(clock.getAsLong());
  }

  private void expire(long now) {
    for (Iterator<Stored> it = records.values().iterator(); it.hasNext(); ) {
      Stored s = it.next();
      if (now - s.receivedNanos() >= ttlNanos) {
        it.remove();
        uncharge(s.from());
      }
    }
  }

  private Stored live(ByteString k, long now) {
    Stored s = records.get(k);
    if (s != null && now - s.receivedNanos() >= ttlNanos) {
      records.remove(k);
      uncharge(s.from());
      return null;
    }
    return s;
  }

  private void uncharge(PeerId from) {
    perPeer.computeIfPresent(from, (p, n) -> n <= 1 ? null : n - 1);
  }
}
