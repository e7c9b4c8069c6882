package io.osprey.transport.dtls;

import io.osprey.transport.srtp.SrtpContext;
import io.osprey.transport.srtp.SrtpProfile;
import java.util.Arrays;

/**
 * Splits DTLS-SRTP keying material (RFC 5764 §4.2: client key | server key | client salt | server
 * salt) into the context that protects what this side sends and the one that unprotects what the
 * peer sends.
 */
public record DtlsSrtpKeys(SrtpContext outbound, SrtpContext inbound) {

  /** @param replayProtection RFC 3711 replay window on inbound packets (LiveKit leaves it off) */
  public static DtlsSrtpKeys of(DtlsOutput.Connected connected, DtlsRole role, boolean replayProtection) {
    SrtpProfile p = connected.profile();
    byte[] m = connected.keyingMaterial();
    int k = p.keyLength();
    int s = p.saltLength();
    byte[] clientKey = Arrays.copyOfRange(m, 0, k);
    byte[] serverKey = Arrays.copyOfRange(m, k, 2 * k);
    byte[] clientSalt = Arrays.copyOfRange(m, 2 * k, 2 * k + s);
    byte[] serverSalt = Arrays.copyOfRange(m, 2 * k + s, 2 * k + 2 * s);
    boolean server = role == DtlsRole.SERVER;
    SrtpContext out = new SrtpContext(p, server ? serverKey : clientKey, server ? serverSalt : clientSalt, false);
    SrtpContext in = new SrtpContext(p, server ? clientKey : serverKey, server ? clientSalt : serverSalt, replayProtection);
    return new DtlsSrtpKeys(out, in);
  }
}
