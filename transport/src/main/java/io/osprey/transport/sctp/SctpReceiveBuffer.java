package io.osprey.transport.sctp;

import io.osprey.wire.sctp.SctpChunk;
import io.osprey.wire.sctp.SctpChunks;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The receiving half of an association (RFC 9260 §6.2): DATA chunks held by extended TSN until
 * they are in sequence, then reassembled per stream into messages; out-of-order chunks are kept
 * only up to the advertised window and a message only up to {@code maxMessageSize} (beyond it the
 * message is dropped with an event, never buffered). Also the content of the SACKs it sends.
 */
final class SctpReceiveBuffer {
  private final int window;
  private final int maxMessageSize;
  private final Consumer<SctpOutput> events;
  /** Stands in {@link #pending} for an unordered message delivered on arrival. */
  private static final SctpChunks.Data DELIVERED = new SctpChunks.Data(true, true, true, 0, 0, 0, 0, new byte[0]);

  private final TreeMap<Long, SctpChunks.Data> pending = new TreeMap<>();
  private final Map<Integer, ByteArrayOutputStream> fragments = new HashMap<>();
  private final Map<Integer, Boolean> dropping = new HashMap<>();
  private int pendingBytes;
  private long cumulative; // highest TSN received in sequence, extended past 32-bit wraps

  SctpReceiveBuffer(int window, int maxMessageSize, Consumer<SctpOutput> events) {
    this.window = window;
    this.maxMessageSize = maxMessageSize;
    this.events = events;
  }

  /** Starts at the peer's initial TSN. */
  void reset(long peerInitialTsn) {
    cumulative = peerInitialTsn - 1;
    pending.clear();
    fragments.clear();
    dropping.clear();
    pendingBytes = 0;
  }

  /** The cumulative TSN as it goes on the wire. */
  long cumulativeTsn() {
    return cumulative & 0xffffffffL;
  }

  void handleData(SctpChunks.Data d) {
    long offset = (d.tsn() - cumulative) & 0xffffffffL;
    if (offset == 0 || offset > 0x7fffffffL) {
      return; // duplicate (already delivered): the SACK will say so
    }
    long ext = cumulative + offset;
    if (pending.containsKey(ext)) {
      return;
    }
    if (offset > 1 && pendingBytes + d.payload().length > window) {
      return; // beyond our window: the peer retransmits once there is room
    }
    if (d.unordered() && d.beginning() && d.ending()) {
      // A whole unordered message needs no chunk before it (RFC 9260 §6.6): deliver it now and
      // keep only its TSN, so a loss ahead of it delays nothing (LiveKit's lossy channel).
      deliver(d);
      pending.put(ext, DELIVERED);
      deliverInSequence();
      return;
    }
    pending.put(ext, d);
    pendingBytes += d.payload().length;
    deliverInSequence();
  }

  /** FORWARD TSN (RFC 3758 §3.6): the peer abandoned everything up to {@code newCumulative}. */
  void handleForwardTsn(long newCumulative) {
    long advance = (newCumulative - cumulative) & 0xffffffffL;
    if (advance == 0 || advance > 0x7fffffffL) {
      return;
    }
    long target = cumulative + advance;
    // What did arrive below the new point is still delivered; a message with a skipped chunk is not.
    while (!pending.isEmpty() && pending.firstKey() <= target) {
      Map.Entry<Long, SctpChunks.Data> next = pending.pollFirstEntry();
      pendingBytes -= next.getValue().payload().length;
      if (next.getKey() != cumulative + 1) {
        fragments.clear(); // the chunks between were abandoned: partial messages cannot complete
      }
      cumulative = next.getKey();
      if (next.getValue() != DELIVERED) {
        assemble(next.getValue());
      }
    }
    if (cumulative != target) {
      fragments.clear();
    }
    cumulative = target;
    deliverInSequence();
  }

  /** A SACK for what has arrived: cumulative TSN, window left, gap blocks (at most 64). */
  SctpChunk sack() {
    List<int[]> gaps = new ArrayList<>();
    int start = -1;
    int prev = -1;
    for (long key : pending.keySet()) {
      int k = (int) Math.min(key - cumulative, 0xffff);
      if (start < 0) {
        start = k;
      } else if (k != prev + 1) {
        gaps.add(new int[] {start, prev});
        start = k;
      }
      prev = k;
    }
    if (start >= 0) {
      gaps.add(new int[] {start, prev});
    }
    long left = Math.max(0, window - pendingBytes);
    return new SctpChunks.Sack(cumulativeTsn(), left, gaps.size() > 64 ? gaps.subList(0, 64) : gaps, List.of()).chunk();
  }

  private void deliverInSequence() {
    while (!pending.isEmpty() && pending.firstKey() == cumulative + 1) {
      SctpChunks.Data d = pending.pollFirstEntry().getValue();
      pendingBytes -= d.payload().length;
      cumulative++;
      if (d != DELIVERED) {
        assemble(d);
      }
    }
  }

  private void assemble(SctpChunks.Data d) {
    int stream = d.streamId();
    if (d.beginning()) {
      fragments.remove(stream);
      dropping.remove(stream);
    }
    if (Boolean.TRUE.equals(dropping.get(stream))) {
      if (d.ending()) {
        dropping.remove(stream);
      }
      return;
    }
    if (!d.beginning() && !fragments.containsKey(stream)) {
      return; // the start of this message was abandoned (FORWARD TSN): the rest is dropped with it
    }
    ByteArrayOutputStream buf = fragments.computeIfAbsent(stream, s -> new ByteArrayOutputStream());
    if (buf.size() + d.payload().length > maxMessageSize) {
      fragments.remove(stream);
      if (!d.ending()) {
        dropping.put(stream, true);
      }
      events.accept(new SctpOutput.MessageDropped(stream, "message larger than " + maxMessageSize + " bytes"));
      return;
    }
    buf.writeBytes(d.payload());
    if (d.ending()) {
      fragments.remove(stream);
      events.accept(new SctpOutput.Message(stream, d.ppid(), buf.toByteArray()));
    }
  }

  private void deliver(SctpChunks.Data whole) {
    if (whole.payload().length > maxMessageSize) {
      events.accept(new SctpOutput.MessageDropped(whole.streamId(), "message larger than " + maxMessageSize + " bytes"));
      return;
    }
    events.accept(new SctpOutput.Message(whole.streamId(), whole.ppid(), whole.payload()));
  }
}
