/**
 * Encoded media for the SDK's participant: samples with exact timestamps from files (IVF for
 * VP8/VP9/AV1, H.264 Annex-B, Ogg Opus), writers that record received media to the same formats,
 * and RTP packetizers/depacketizers for each codec.
 */
package io.osprey.sdk.media;
