package io.osprey.transport.srtp;

import io.osprey.wire.crypto.HmacSha1;
import java.security.MessageDigest;

/**
 * One direction of an SRTP session: protects (or unprotects) the RTP and RTCP packets of every
 * SSRC under one master key and salt (RFC 3711 §3, §4; RFC 7714 for AEAD). Packets are rewritten
 * in place in the caller's buffer, which must have room for the tag on protect.
 *
 * <p>Rollover counters follow RFC 3711 §3.3.1: the receiver guesses the index of each packet from
 * the highest sequence number seen, and commits the guess only after the packet authenticates.
 * Nothing is allocated per packet: AES-CM is AES keystream over the JCE's ECB and {@link HmacSha1}
 * over the JDK's SHA-1; AEAD is {@link AesGcm}, the same keystream and our own GHASH.
 * Owned by one event loop; not thread-safe.
 */
public final class SrtpContext {
  private static final int RTCP_HEADER = 8;

  private final SrtpProfile profile;
  private final boolean replayProtection;
  private final byte[] rtpSalt;
  private final byte[] rtcpSalt;
  private final SsrcTable rtpStreams = new SsrcTable();
  private final SsrcTable rtcpStreams = new SsrcTable();
  // AES-CM
  private final AesCounterMode rtpCtr;
  private final AesCounterMode rtcpCtr;
  private final HmacSha1 rtpMac;
  private final HmacSha1 rtcpMac;
  // AEAD
  private final AesGcm rtpGcm;
  private final AesGcm rtcpGcm;
  // scratch
  private final byte[] iv = new byte[16];
  private final byte[] rtcpAad = new byte[12];
  private final byte[] tag = new byte[20];
  private final byte[] rocBytes = new byte[4];

  /** Session keys for both packet kinds (RFC 3711 §4.3); auth keys are empty for AEAD profiles. */
  public record SessionKeys(byte[] rtpKey, byte[] rtpAuth, byte[] rtpSalt, byte[] rtcpKey, byte[] rtcpAuth,
                            byte[] rtcpSalt) {
    /** Derives the session keys from DTLS-exported master key and salt. */
    public static SessionKeys derive(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
      if (masterKey.length != profile.keyLength() || masterSalt.length != profile.saltLength()) {
        throw new IllegalArgumentException(profile + " needs a " + profile.keyLength() + "-byte key and "
            + profile.saltLength() + "-byte salt");
      }
      int k = profile.keyLength();
      int s = profile.saltLength();
      int a = profile.aead() ? 0 : 20;
      return new SessionKeys(
          SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.RTP_ENCRYPTION, k),
          SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.RTP_AUTHENTICATION, a),
          SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.RTP_SALT, s),
          SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.RTCP_ENCRYPTION, k),
          SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.RTCP_AUTHENTICATION, a),
          SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.RTCP_SALT, s));
    }
  }

  /**
   * A context from a master key and salt (what DTLS-SRTP exports for one direction).
   *
   * @param replayProtection drop replayed packets (RFC 3711 §3.3.2, 64-packet window); off in LiveKit
   */
  public SrtpContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt, boolean replayProtection) {
    this(profile, SessionKeys.derive(profile, masterKey, masterSalt), replayProtection);
  }

  /** A context from session keys already derived (or given, as in RFC 7714's test vectors). */
  public SrtpContext(SrtpProfile profile, SessionKeys keys, boolean replayProtection) {
    this.profile = profile;
    this.replayProtection = replayProtection;
    this.rtpSalt = keys.rtpSalt().clone();
    this.rtcpSalt = keys.rtcpSalt().clone();
    if (profile.aead()) {
      this.rtpGcm = new AesGcm(keys.rtpKey());
      this.rtcpGcm = new AesGcm(keys.rtcpKey());
      this.rtpCtr = null;
      this.rtcpCtr = null;
      this.rtpMac = null;
      this.rtcpMac = null;
    } else {
      this.rtpGcm = null;
      this.rtcpGcm = null;
      this.rtpCtr = new AesCounterMode(keys.rtpKey());
      this.rtcpCtr = new AesCounterMode(keys.rtcpKey());
      this.rtpMac = new HmacSha1(keys.rtpAuth());
      this.rtcpMac = new HmacSha1(keys.rtcpAuth());
    }
  }

  public SrtpProfile profile() {
    return profile;
  }

  // ---------------------------------------------------------------- RTP

  /**
   * Encrypts and authenticates an RTP packet in place.
   *
   * @return the new length ({@code len + tagLength})
   * @throws SrtpException MALFORMED if the header overruns the packet or the buffer has no room
   */
  public int protectRtp(byte[] buf, int off, int len) throws SrtpException {
    int header = rtpHeaderLength(buf, off, len);
    if (buf.length - off - len < profile.tagLength()) {
      throw SrtpException.MALFORMED;
    }
    int ssrc = readInt(buf, off + 8);
    int seq = readShort(buf, off + 2);
    SsrcTable.State st = rtpStreams.get(ssrc);
    if (st.highestSeq >= 0 && seq < st.highestSeq && st.highestSeq - seq > 0x8000) {
      st.roc++; // the sender wrapped
    }
    if (st.highestSeq < 0 || isNewer(seq, st.highestSeq)) {
      st.highestSeq = seq;
    }
    long index = (st.roc << 16) | seq;
    if (profile.aead()) {
      gcmIv(rtpSalt, ssrc, index);
      return header + rtpGcm.seal(iv, buf, off, header, buf, off + header, len - header);
    }
    ctrIv(rtpSalt, ssrc, index);
    rtpCtr.apply(iv, buf, off + header, len - header);
    writeInt(rocBytes, 0, (int) st.roc);
    authTag(rtpMac, buf, off, len, rocBytes);
    System.arraycopy(tag, 0, buf, off + len, profile.tagLength());
    return len + profile.tagLength();
  }

  /**
   * Authenticates and decrypts an SRTP packet in place.
   *
   * @return the length of the plain RTP packet
   */
  public int unprotectRtp(byte[] buf, int off, int len) throws SrtpException {
    int tagLength = profile.tagLength();
    if (len < 12 + tagLength) {
      throw SrtpException.MALFORMED;
    }
    int payloadEnd = len - tagLength;
    int header = rtpHeaderLength(buf, off, payloadEnd);
    int ssrc = readInt(buf, off + 8);
    int seq = readShort(buf, off + 2);
    SsrcTable.State st = rtpStreams.get(ssrc);
    long roc = guessRoc(st, seq);
    long index = (roc << 16) | seq;
    if (replayProtection && isReplay(st, index)) {
      throw SrtpException.REPLAYED;
    }
    int plainLength;
    if (profile.aead()) {
      gcmIv(rtpSalt, ssrc, index);
      if (!rtpGcm.open(iv, buf, off, header, buf, off + header, len - header)) {
        throw SrtpException.AUTHENTICATION_FAILED;
      }
      plainLength = payloadEnd;
    } else {
      writeInt(rocBytes, 0, (int) roc);
      authTag(rtpMac, buf, off, payloadEnd, rocBytes);
      if (!MessageDigest.isEqual(sliceOfTag(tagLength), slice(buf, off + payloadEnd, tagLength))) {
        throw SrtpException.AUTHENTICATION_FAILED;
      }
      ctrIv(rtpSalt, ssrc, index);
      rtpCtr.apply(iv, buf, off + header, payloadEnd - header);
      plainLength = payloadEnd;
    }
    commit(st, roc, seq, index);
    return plainLength;
  }

  // ---------------------------------------------------------------- RTCP

  /** Encrypts and authenticates a (compound) RTCP packet in place; returns the new length. */
  public int protectRtcp(byte[] buf, int off, int len) throws SrtpException {
    if (len < RTCP_HEADER || buf.length - off - len < profile.rtcpOverhead()) {
      throw SrtpException.MALFORMED;
    }
    int ssrc = readInt(buf, off + 4);
    SsrcTable.State st = rtcpStreams.get(ssrc);
    int index = st.srtcpIndex;
    st.srtcpIndex = (st.srtcpIndex + 1) & 0x7fffffff;
    int eIndex = 0x80000000 | index;
    if (profile.aead()) {
      gcmRtcpIv(ssrc, index);
      // ciphertext and tag come first, then E||index (RFC 7714 §9.3)
      rtcpAad(buf, off, eIndex);
      int sealed = rtcpGcm.seal(iv, rtcpAad, 0, rtcpAad.length, buf, off + RTCP_HEADER, len - RTCP_HEADER);
      int end = off + RTCP_HEADER + sealed;
      writeInt(buf, end, eIndex);
      return end + 4 - off;
    }
    ctrIv(rtcpSalt, ssrc, index);
    rtcpCtr.apply(iv, buf, off + RTCP_HEADER, len - RTCP_HEADER);
    writeInt(buf, off + len, eIndex);
    authTag(rtcpMac, buf, off, len + 4, null);
    System.arraycopy(tag, 0, buf, off + len + 4, 10);
    return len + 14;
  }

  /** Authenticates and decrypts an SRTCP packet in place; returns the plain RTCP length. */
  public int unprotectRtcp(byte[] buf, int off, int len) throws SrtpException {
    int overhead = profile.rtcpOverhead();
    if (len < RTCP_HEADER + overhead) {
      throw SrtpException.MALFORMED;
    }
    int ssrc = readInt(buf, off + 4);
    if (profile.aead()) {
      int eIndex = readInt(buf, off + len - 4);
      int index = eIndex & 0x7fffffff;
      SsrcTable.State st = rtcpStreams.get(ssrc);
      if (replayProtection && isReplay(st, index)) {
        throw SrtpException.REPLAYED;
      }
      gcmRtcpIv(ssrc, index);
      rtcpAad(buf, off, eIndex);
      int sealed = len - 4 - RTCP_HEADER;
      if (!rtcpGcm.open(iv, rtcpAad, 0, rtcpAad.length, buf, off + RTCP_HEADER, sealed)) {
        throw SrtpException.AUTHENTICATION_FAILED;
      }
      commit(st, 0, -1, index);
      return RTCP_HEADER + sealed - AesGcm.TAG_LENGTH;
    }
    int tagStart = off + len - 10;
    int eIndex = readInt(buf, tagStart - 4);
    authTag(rtcpMac, buf, off, len - 10, null);
    if (!MessageDigest.isEqual(sliceOfTag(10), slice(buf, tagStart, 10))) {
      throw SrtpException.AUTHENTICATION_FAILED;
    }
    int index = eIndex & 0x7fffffff;
    SsrcTable.State st = rtcpStreams.get(ssrc);
    if (replayProtection && isReplay(st, index)) {
      throw SrtpException.REPLAYED;
    }
    int plainLength = len - 14;
    if (eIndex < 0) { // E flag: the payload is encrypted
      ctrIv(rtcpSalt, ssrc, index);
      rtcpCtr.apply(iv, buf, off + RTCP_HEADER, plainLength - RTCP_HEADER);
    }
    commit(st, 0, -1, index);
    return plainLength;
  }

  // ---------------------------------------------------------------- internals

  /** RFC 3711 §3.3.1: the rollover counter this sequence number most likely belongs to. */
  private static long guessRoc(SsrcTable.State st, int seq) {
    if (st.highestSeq < 0) {
      return st.roc;
    }
    int sl = st.highestSeq;
    if (sl < 0x8000) {
      return seq - sl > 0x8000 ? Math.max(0, st.roc - 1) : st.roc;
    }
    return sl - 0x8000 > seq ? st.roc + 1 : st.roc;
  }

  private static void commit(SsrcTable.State st, long roc, int seq, long index) {
    if (seq >= 0) {
      if (roc > st.roc) {
        st.roc = roc;
        st.highestSeq = seq;
      } else if (roc == st.roc && (st.highestSeq < 0 || seq > st.highestSeq)) {
        st.highestSeq = seq;
      }
    }
    if (index > st.highestIndex) {
      long shift = index - st.highestIndex;
      st.replayWindow = shift >= 64 ? 1L : (st.replayWindow << shift) | 1L;
      st.highestIndex = index;
    } else {
      long age = st.highestIndex - index;
      if (age < 64) {
        st.replayWindow |= 1L << age;
      }
    }
  }

  private static boolean isReplay(SsrcTable.State st, long index) {
    if (st.highestIndex < 0 || index > st.highestIndex) {
      return false;
    }
    long age = st.highestIndex - index;
    return age >= 64 || (st.replayWindow & (1L << age)) != 0;
  }

  /** AES-CM IV (RFC 3711 §4.1.1): (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16). */
  private void ctrIv(byte[] salt, int ssrc, long index) {
    System.arraycopy(salt, 0, iv, 0, 14);
    iv[14] = 0;
    iv[15] = 0;
    iv[4] ^= (byte) (ssrc >> 24);
    iv[5] ^= (byte) (ssrc >> 16);
    iv[6] ^= (byte) (ssrc >> 8);
    iv[7] ^= (byte) ssrc;
    for (int i = 0; i < 6; i++) {
      iv[8 + i] ^= (byte) (index >> (40 - 8 * i));
    }
  }

  /** AEAD IV for SRTP (RFC 7714 §8.1): (00 00 || SSRC || ROC || SEQ) XOR salt. */
  private void gcmIv(byte[] salt, int ssrc, long index) {
    System.arraycopy(salt, 0, iv, 0, 12);
    iv[2] ^= (byte) (ssrc >> 24);
    iv[3] ^= (byte) (ssrc >> 16);
    iv[4] ^= (byte) (ssrc >> 8);
    iv[5] ^= (byte) ssrc;
    for (int i = 0; i < 6; i++) {
      iv[6 + i] ^= (byte) (index >> (40 - 8 * i));
    }
  }

  /** AEAD IV for SRTCP (RFC 7714 §9.1): (00 00 || SSRC || 00 00 || 0 || index) XOR salt. */
  private void gcmRtcpIv(int ssrc, int index) {
    System.arraycopy(rtcpSalt, 0, iv, 0, 12);
    iv[2] ^= (byte) (ssrc >> 24);
    iv[3] ^= (byte) (ssrc >> 16);
    iv[4] ^= (byte) (ssrc >> 8);
    iv[5] ^= (byte) ssrc;
    iv[8] ^= (byte) (index >> 24);
    iv[9] ^= (byte) (index >> 16);
    iv[10] ^= (byte) (index >> 8);
    iv[11] ^= (byte) index;
  }

  /** The SRTCP AAD (RFC 7714 §9.3): the first 8 header bytes, then E || SRTCP index. */
  private void rtcpAad(byte[] buf, int off, int eIndex) {
    System.arraycopy(buf, off, rtcpAad, 0, RTCP_HEADER);
    writeInt(rtcpAad, 8, eIndex);
  }

  private void authTag(HmacSha1 mac, byte[] buf, int off, int len, byte[] suffix) {
    mac.update(buf, off, len);
    if (suffix != null) {
      mac.update(suffix, 0, suffix.length);
    }
    mac.doFinal(tag, 0);
  }

  private final byte[] tagView = new byte[20];
  private final byte[] packetView = new byte[20];

  private byte[] sliceOfTag(int n) {
    java.util.Arrays.fill(tagView, (byte) 0);
    System.arraycopy(tag, 0, tagView, 0, n);
    return tagView;
  }

  private byte[] slice(byte[] buf, int from, int n) {
    java.util.Arrays.fill(packetView, (byte) 0);
    System.arraycopy(buf, from, packetView, 0, n);
    return packetView;
  }

  /** Length of the RTP header (RFC 3550 §5.1, RFC 8285 extension), validated against {@code len}. */
  static int rtpHeaderLength(byte[] buf, int off, int len) throws SrtpException {
    if (len < 12 || (buf[off] & 0xc0) != 0x80) {
      throw SrtpException.MALFORMED;
    }
    int header = 12 + 4 * (buf[off] & 0x0f);
    if ((buf[off] & 0x10) != 0) {
      if (header + 4 > len) {
        throw SrtpException.MALFORMED;
      }
      header += 4 + 4 * readShort(buf, off + header + 2);
    }
    if (header > len) {
      throw SrtpException.MALFORMED;
    }
    return header;
  }

  private static boolean isNewer(int a, int b) {
    return a != b && ((a - b) & 0xffff) < 0x8000;
  }

  private static int readShort(byte[] b, int i) {
    return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
  }

  private static int readInt(byte[] b, int i) {
    return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
  }

  private static void writeInt(byte[] b, int i, int v) {
    b[i] = (byte) (v >> 24);
    b[i + 1] = (byte) (v >> 16);
    b[i + 2] = (byte) (v >> 8);
    b[i + 3] = (byte) v;
  }
}
