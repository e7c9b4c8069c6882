package io.osprey.transport.srtp;

/**
 * Per-SSRC receive/send state (RFC 3711 §3.2.1: rollover counter, highest sequence number, replay
 * window) in an open-addressing table keyed by the primitive SSRC: looking a stream up allocates
 * nothing; a new SSRC allocates its state once.
 */
final class SsrcTable {
  /** The cryptographic state of one SSRC in one direction. */
  static final class State {
    final int ssrc;
    long roc;
    int highestSeq = -1;
    long replayWindow; // bit i set: index (highest - i) seen
    long highestIndex = -1;
    int srtcpIndex;

    State(int ssrc) {
      this.ssrc = ssrc;
    }
  }

  private int[] keys = new int[16];
  private State[] values = new State[16];
  private int size;

  State get(int ssrc) {
    int mask = keys.length - 1;
    for (int i = mix(ssrc) & mask; ; i = (i + 1) & mask) {
      State s = values[i];
      if (s == null) {
        return insert(ssrc);
      }
      if (keys[i] == ssrc) {
        return s;
      }
    }
  }

  private State insert(int ssrc) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    State s = new State(ssrc);
    int mask = keys.length - 1;
    int i = mix(ssrc) & mask;
    while (values[i] != null) {
      i = (i + 1) & mask;
    }
    keys[i] = ssrc;
    values[i] = s;
    size++;
    return s;
  }

  private void grow() {
    State[] old = values;
    keys = new int[old.length * 2];
    values = new State[old.length * 2];
    size = 0;
    for (State s : old) {
      if (s != null) {
        int mask = keys.length - 1;
        int i = mix(s.ssrc) & mask;
        while (values[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = s.ssrc;
        values[i] = s;
        size++;
      }
    }
  }

  private static int mix(int x) {
    x *= 0x9E3779B9;
    return x ^ (x >>> 16);
  }
}
