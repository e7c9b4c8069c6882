package io.osprey.transport.sctp;

import io.osprey.wire.WireFormatException;
import io.osprey.wire.dcep.DcepMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * WebRTC data channels on an {@link SctpAssociation} (RFC 8831, RFC 8832): channels opened by
 * either side with DATA_CHANNEL_OPEN and acknowledged, string and binary messages (empty ones with
 * their own PPIDs), stream ids of the DTLS client even and of the server odd (RFC 8832 §6).
 */
public final class DataChannels {
  /** What happened on a channel. */
  public sealed interface Event {
    /** A channel is open (the peer opened it, or acknowledged ours). */
    record Opened(int streamId, String label, boolean ordered) implements Event {}

    /** A message arrived on a channel. */
    record Received(int streamId, String label, boolean binary, byte[] data) implements Event {
      public String text() {
        return new String(data, StandardCharsets.UTF_8);
      }
    }

    /** Something the peer sent was not valid DCEP, or arrived on an unknown channel. */
    record Ignored(int streamId, String reason) implements Event {}
  }

  /**
   * A channel and its reliability (RFC 8832 §5.1): {@code maxRetransmits} or {@code lifetimeMillis}
   * limit delivery attempts ({@code -1}: reliable).
   */
  private record Channel(String label, boolean ordered, int maxRetransmits, long lifetimeMillis) {
    static Channel of(DcepMessage.Open open) {
      int type = open.channelType() & 0x7f;
      return new Channel(open.label(), open.ordered(), type == 0x01 ? (int) Math.min(open.reliability(), 0xffff) : -1,
          type == 0x02 ? open.reliability() : -1);
    }
  }

  private final SctpAssociation sctp;
  private final Map<Integer, Channel> channels = new HashMap<>();
  private final ArrayDeque<Event> events = new ArrayDeque<>();
  private int nextStream;

  /** @param dtlsClient whether our side is the DTLS client (it uses even stream ids) */
  public DataChannels(SctpAssociation sctp, boolean dtlsClient) {
    this.sctp = sctp;
    this.nextStream = dtlsClient ? 0 : 1;
  }

  /** Opens a reliable channel; returns its stream id. {@link Event.Opened} follows the peer's ACK. */
  public int open(String label, boolean ordered, long nowNanos) {
    return open(label, ordered, -1, nowNanos);
  }

  /**
   * Opens a channel that gives up on a message after {@code maxRetransmits} retransmissions
   * ({@code -1}: reliable), as LiveKit's {@code _lossy} channel does with 0.
   */
  public int open(String label, boolean ordered, int maxRetransmits, long nowNanos) {
    int stream = nextStream;
    nextStream += 2;
    channels.put(stream, new Channel(label, ordered, maxRetransmits, -1));
    int type = (ordered ? 0x00 : 0x80) | (maxRetransmits >= 0 ? 0x01 : 0x00);
    byte[] open = new DcepMessage.Open(type, 0, Math.max(0, maxRetransmits), label, "").encode();
    sctp.send(stream, DcepMessage.PPID_DCEP, open, true, nowNanos);
    return stream;
  }

  public void sendText(int streamId, String text, long nowNanos) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    send(streamId, b.length == 0 ? DcepMessage.PPID_STRING_EMPTY : DcepMessage.PPID_STRING,
        b.length == 0 ? new byte[1] : b, nowNanos);
  }

  public void sendBinary(int streamId, byte[] data, long nowNanos) {
    send(streamId, data.length == 0 ? DcepMessage.PPID_BINARY_EMPTY : DcepMessage.PPID_BINARY,
        data.length == 0 ? new byte[1] : data, nowNanos);
  }

  private void send(int streamId, long ppid, byte[] payload, long nowNanos) {
    Channel c = channels.get(streamId);
    if (c == null) {
      sctp.send(streamId, ppid, payload, true, nowNanos);
    } else {
      sctp.send(streamId, ppid, payload, c.ordered(), c.maxRetransmits(), c.lifetimeMillis(), nowNanos);
    }
  }

  /** Feeds a message the association delivered. */
  public void handleMessage(SctpOutput.Message m, long nowNanos) {
    int stream = m.streamId();
    int ppid = (int) m.ppid();
    if (ppid == DcepMessage.PPID_DCEP) {
      try {
        switch (DcepMessage.parse(m.payload())) {
          case DcepMessage.Open open -> {
            channels.put(stream, Channel.of(open));
            sctp.send(stream, DcepMessage.PPID_DCEP, new DcepMessage.Ack().encode(), true, nowNanos);
            events.add(new Event.Opened(stream, open.label(), open.ordered()));
          }
          case DcepMessage.Ack ack -> {
            Channel c = channels.get(stream);
            if (c != null) {
              events.add(new Event.Opened(stream, c.label(), c.ordered()));
            }
          }
        }
      } catch (WireFormatException e) {
        events.add(new Event.Ignored(stream, e.getMessage()));
      }
      return;
    }
    Channel c = channels.get(stream);
    if (c == null) {
      events.add(new Event.Ignored(stream, "message on a stream with no channel"));
      return;
    }
    boolean binary = ppid == DcepMessage.PPID_BINARY || ppid == DcepMessage.PPID_BINARY_EMPTY;
    boolean empty = ppid == DcepMessage.PPID_STRING_EMPTY || ppid == DcepMessage.PPID_BINARY_EMPTY;
    events.add(new Event.Received(stream, c.label(), binary, empty ? new byte[0] : m.payload()));
  }

  public Event poll() {
    return events.poll();
  }

}
