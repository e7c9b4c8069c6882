/** H.264 Annex-B byte streams, grouped into access units. */
package io.osprey.sdk.media.h264;
