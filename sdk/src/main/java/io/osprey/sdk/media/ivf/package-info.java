/** IVF files (the container libvpx and ffmpeg write for VP8, VP9 and AV1). */
package io.osprey.sdk.media.ivf;
