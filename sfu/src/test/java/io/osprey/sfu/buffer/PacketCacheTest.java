package io.osprey.sfu.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacketCacheTest {
  private static byte[] packet(int seq, int length) {
    byte[] p = new byte[length];
    p[2] = (byte) (seq >>> 8);
    p[3] = (byte) seq;
    p[length - 1] = (byte) 0x5a;
    return p;
  }

  @Test
  void returnsACopyOfAHeldPacket() {
    PacketCache cache = new PacketCache(500, 1500);
    assertThat(cache.capacity()).isEqualTo(512);
    byte[] p = packet(1000, 1200);
    assertThat(cache.put(1000, p, 0, p.length)).isTrue();
    byte[] out = new byte[1500];
    assertThat(cache.get(1000, out, 0)).isEqualTo(1200);
    assertThat(out[3]).isEqualTo((byte) 1000);
    assertThat(out[1199]).isEqualTo((byte) 0x5a);
  }

  @Test
  void forgetsPacketsOverwrittenByNewerOnes() {
    PacketCache cache = new PacketCache(4, 100);
    for (int seq = 65533; seq < 65533 + 6; seq++) {
      cache.put(seq & 0xffff, packet(seq, 50), 0, 50);
    }
    assertThat(cache.contains(65533)).isFalse();
    assertThat(cache.contains(65534)).isFalse();
    assertThat(cache.contains(65535)).isTrue();
    assertThat(cache.contains(2)).isTrue();
    assertThat(cache.get(65534, new byte[100], 0)).isEqualTo(-1);
  }

  @Test
  void refusesPacketsLargerThanItsSlots() {
    PacketCache cache = new PacketCache(8, 100);
    assertThat(cache.put(1, new byte[101], 0, 101)).isFalse();
    assertThat(cache.contains(1)).isFalse();
  }

  @Test
  void clearForgetsEverything() {
    PacketCache cache = new PacketCache(8, 100);
    cache.put(1, packet(1, 20), 0, 20);
    cache.clear();
    assertThat(cache.contains(1)).isFalse();
  }
}
