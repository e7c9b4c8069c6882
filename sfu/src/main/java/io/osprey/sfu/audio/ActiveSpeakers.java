package io.osprey.sfu.audio;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The room's active speakers: every participant whose meter reads above zero, loudest first.
 * {@link #update} is called once per interval (not per packet) and says whether the list changed
 * enough to tell the clients ({@code speakers_changed}).
 *
 * @param <K> participant key (a sid)
 */
public final class ActiveSpeakers<K> {
  /** One speaker and its level in (0, 1]. */
  public record Speaker<K>(K participant, double level) {
    public Speaker {
      Objects.requireNonNull(participant, "participant");
    }
  }

  private final Map<K, AudioLevelMeter> meters = new HashMap<>();
  private final AudioLevelConfig config;
  private List<Speaker<K>> last = List.of();

  public ActiveSpeakers(AudioLevelConfig config) {
    this.config = config;
  }

  /** The meter for a participant's microphone, created on first use. */
  public AudioLevelMeter meter(K participant) {
    return meters.computeIfAbsent(participant, k -> new AudioLevelMeter(config));
  }

  /** Forgets a participant that left or unpublished its audio. */
  public void remove(K participant) {
    meters.remove(participant);
  }

  /** The current speakers, loudest first. */
  public List<Speaker<K>> speakers() {
    return last;
  }

  /**
   * Recomputes the speakers at {@code nowNanos}.
   *
   * @return whether the set of speakers or their order changed since the last update
   */
  public boolean update(long nowNanos) {
    List<Speaker<K>> now = new ArrayList<>();
    meters.forEach((k, meter) -> {
      double level = meter.level(nowNanos);
      if (level > 0) {
        now.add(new Speaker<>(k, level));
      }
    });
    now.sort(Comparator.comparingDouble((Speaker<K> s) -> s.level()).reversed());
    boolean changed = now.size() != last.size();
    for (int i = 0; !changed && i < now.size(); i++) {
      changed = !now.get(i).participant().equals(last.get(i).participant());
    }
    last = List.copyOf(now);
    return changed;
  }
}
