package io.osprey.transport.dtls;

import io.osprey.transport.srtp.SrtpProfile;
import java.security.MessageDigest;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.TlsFatalAlert;

/** What both peer classes share: the profiles offered, the fingerprint check, the keying export. */
final class SrtpNegotiation {
  /**
   * Our preference: AES-CM with HMAC-SHA1-80 (WebRTC's mandatory profile, RFC 8827 §6.5) first, then the AEAD
   * profiles. On this JVM the first runs on AES-NI and SHA-NI with a few hundred bytes of state per key, while GCM's
   * GHASH has no carry-less multiply to use and needs 32 KiB of tables per key: a fan-out that protects for a hundred
   * keys in turn misses the caches on every lookup (5 µs of a 1200-byte packet's 14 in a 1 -> 100 load, against
   * about 1 µs for AES-CM; docs/benchmarks.md). A peer offering only GCM still gets it.
   */
  static final List<SrtpProfile> PREFERENCE = List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
      SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AEAD_AES_256_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_32);

  private final String expectedHash;
  private final String expectedFingerprint;
  volatile String remoteFingerprint;

  SrtpNegotiation(String expectedHash, String expectedFingerprint) {
    this.expectedHash = expectedHash;
    this.expectedFingerprint = expectedFingerprint;
  }

  static int[] offered() {
    return PREFERENCE.stream().mapToInt(SrtpProfile::id).toArray();
  }

  /** Our first choice among the peer's profiles, or -1. */
  static int choose(int[] theirs) {
    for (SrtpProfile p : PREFERENCE) {
      for (int id : theirs) {
        if (id == p.id()) {
          return id;
        }
      }
    }
    return -1;
  }

  /** Fails the handshake unless the peer's end-entity certificate matches the SDP fingerprint. */
  void verify(Certificate chain) throws TlsFatalAlert {
    if (chain == null || chain.isEmpty()) {
      throw new TlsFatalAlert(AlertDescription.bad_certificate);
    }
    try {
      byte[] der = chain.getCertificateAt(0).getEncoded();
      String actual = DtlsCertificate.fingerprint(expectedHash, der);
      remoteFingerprint = actual;
      if (!MessageDigest.isEqual(actual.getBytes(), expectedFingerprint.toUpperCase(java.util.Locale.ROOT).getBytes())) {
        throw new TlsFatalAlert(AlertDescription.bad_certificate);
      }
    } catch (java.io.IOException e) {
      throw new TlsFatalAlert(AlertDescription.bad_certificate);
    }
  }
}
