/**
 * SDP (RFC 8866) as WebRTC uses it (JSEP, RFC 8829): a line-exact model that writes back what it
 * read, with accessors for the attributes ICE, DTLS and RTP need (RFC 8839 ice-ufrag/pwd and
 * candidates, RFC 8122 fingerprint, RFC 4145 setup, RFC 9143 BUNDLE, RFC 8843 mid, rtpmap, fmtp,
 * rtcp-fb, extmap RFC 8285, msid RFC 8830, ssrc RFC 5576).
 */
package io.osprey.wire.sdp;
