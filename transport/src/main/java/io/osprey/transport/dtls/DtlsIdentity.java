package io.osprey.transport.dtls;

import java.io.IOException;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * What both DTLS peer classes share: the crypto provider, our certificate, the SRTP negotiation
 * and fingerprint check, and what the handshake settled (profile, exported keys).
 */
final class DtlsIdentity {
  final JcaTlsCrypto crypto;
  final DtlsCertificate certificate;
  final SrtpNegotiation srtp;
  volatile int chosenProfile = -1;
  volatile byte[] keyingMaterial;

  DtlsIdentity(JcaTlsCrypto crypto, DtlsCertificate certificate, SrtpNegotiation srtp) {
    this.crypto = crypto;
    this.certificate = certificate;
    this.srtp = srtp;
  }

  /** Our ECDSA P-256 certificate as signing credentials for this handshake. */
  TlsCredentialedSigner signer(TlsContext context) throws IOException {
    return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificate.privateKey(),
        DtlsEndpoint.tlsCertificate(crypto, certificate),
        new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
  }

  /** Records the export once the handshake is complete (it must be called from notifyHandshakeComplete). */
  void complete(TlsContext context) {
    keyingMaterial = DtlsEndpoint.export(context, chosenProfile);
  }
}
