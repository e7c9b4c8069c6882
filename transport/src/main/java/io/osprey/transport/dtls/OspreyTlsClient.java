package io.osprey.transport.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.UseSRTPData;

/** The DTLS client: offers use_srtp, presents its certificate, checks the server's fingerprint. */
final class OspreyTlsClient extends DefaultTlsClient {
  private final DtlsIdentity identity;

  OspreyTlsClient(DtlsIdentity identity) {
    super(identity.crypto);
    this.identity = identity;
  }

  @Override
  protected ProtocolVersion[] getSupportedVersions() {
    return ProtocolVersion.DTLSv12.only();
  }

  @Override
  protected int[] getSupportedCipherSuites() {
    return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256};
  }

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public Hashtable getClientExtensions() throws IOException {
    Hashtable extensions = super.getClientExtensions();
    if (extensions == null) {
      extensions = new Hashtable();
    }
    TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(SrtpNegotiation.offered(), new byte[0]));
    return extensions;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public void processServerExtensions(Hashtable serverExtensions) throws IOException {
    super.processServerExtensions(serverExtensions);
    UseSRTPData chosen = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
    if (chosen == null || chosen.getProtectionProfiles().length != 1
        || SrtpNegotiation.choose(chosen.getProtectionProfiles()) < 0) {
      throw new TlsFatalAlert(AlertDescription.illegal_parameter);
    }
    identity.chosenProfile = chosen.getProtectionProfiles()[0];
  }

  @Override
  public TlsAuthentication getAuthentication() {
    return new TlsAuthentication() {
      @Override
      public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
        identity.srtp.verify(serverCertificate.getCertificate());
      }

      @Override
      public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
        return identity.signer(context);
      }
    };
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
