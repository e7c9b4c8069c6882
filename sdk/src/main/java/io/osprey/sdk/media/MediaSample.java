package io.osprey.sdk.media;

import java.util.Objects;

/**
 * One encoded frame (video) or packet (audio) with its presentation timestamp in the source's
 * {@link Timebase}.
 *
 * @param data     the encoded bytes (for H.264, the access unit in Annex-B form)
 * @param pts      presentation timestamp in timebase ticks, non-decreasing within a source
 * @param keyFrame whether a decoder can start here
 */
public record MediaSample(byte[] data, long pts, boolean keyFrame) {
  public MediaSample {
    Objects.requireNonNull(data, "data");
  }
}
