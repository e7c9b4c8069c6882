package io.osprey.transport.dtls;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.UseSRTPData;

/** The DTLS server: ECDHE-ECDSA only, client certificate required, use_srtp answered. */
final class OspreyTlsServer extends DefaultTlsServer {
  private final DtlsIdentity identity;

  OspreyTlsServer(DtlsIdentity identity) {
    super(identity.crypto);
    this.identity = identity;
  }

  @Override
  protected ProtocolVersion[] getSupportedVersions() {
    return ProtocolVersion.DTLSv12.only();
  }

  @Override
  protected int[] getSupportedCipherSuites() {
    // no ChaCha20-Poly1305: the JCA crypto finds no provider for it on a plain JDK, and a client
    // that prefers it (OpenSSL's order, e.g. Janus) would have the handshake fail
    return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA};
  }

  @Override
  protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
    return identity.signer(context);
  }

  @Override
  public CertificateRequest getCertificateRequest() {
    Vector<SignatureAndHashAlgorithm> algorithms = new Vector<>();
    algorithms.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    algorithms.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa));
    algorithms.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
    return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
        algorithms, null);
  }

  @Override
  public void notifyClientCertificate(org.bouncycastle.tls.Certificate clientCertificate) throws IOException {
    identity.srtp.verify(clientCertificate);
  }

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public void processClientExtensions(Hashtable clientExtensions) throws IOException {
    super.processClientExtensions(clientExtensions);
    UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
    if (offered == null || (identity.chosenProfile = SrtpNegotiation.choose(offered.getProtectionProfiles())) < 0) {
      throw new TlsFatalAlert(AlertDescription.handshake_failure);
    }
  }

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public Hashtable getServerExtensions() throws IOException {
    Hashtable extensions = super.getServerExtensions();
    if (extensions == null) {
      extensions = new Hashtable();
    }
    TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {identity.chosenProfile}, new byte[0]));
    return extensions;
  }

  @Override
  public int getHandshakeTimeoutMillis() {
    return 30_000;
  }

  @Override
  public void notifyHandshakeComplete() throws IOException {
    super.notifyHandshakeComplete();
    identity.complete(context);
  }
}
