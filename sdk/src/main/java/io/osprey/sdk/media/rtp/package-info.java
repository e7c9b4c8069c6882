/**
 * RTP payload formats of the codecs the SDK publishes and records: VP8 (RFC 7741), VP9
 * (RFC 9628), H.264 (RFC 6184), AV1 (AOM AV1 RTP specification), Opus (RFC 7587).
 */
package io.osprey.sdk.media.rtp;
