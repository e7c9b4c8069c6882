package io.osprey.transport.dtls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed ECDSA P-256 certificate for DTLS (WebRTC needs no CA: the SDP fingerprint
 * authenticates it), generated once and shared by many sessions.
 */
public final class DtlsCertificate {
  private final PrivateKey privateKey;
  private final byte[] der;

  private DtlsCertificate(PrivateKey privateKey, byte[] der) {
    this.privateKey = privateKey;
    this.der = der;
  }

  /** Generates a key pair and a certificate valid for 30 days either side of now. */
  public static DtlsCertificate generate() {
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
      kpg.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair kp = kpg.generateKeyPair();
      X500Name name = new X500Name("CN=osprey");
      Instant now = Instant.now();
      var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(63, new SecureRandom()),
          Date.from(now.minus(Duration.ofDays(30))), Date.from(now.plus(Duration.ofDays(30))), name, kp.getPublic());
      byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded();
      return new DtlsCertificate(kp.getPrivate(), der);
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException("cannot create a DTLS certificate", e);
    }
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The certificate in DER. */
  public byte[] der() {
    return der.clone();
  }

  /** The SHA-256 fingerprint in SDP form (RFC 8122 §5): upper-case hex pairs joined by colons. */
  public String fingerprint() {
    return fingerprint("sha-256", der);
  }

  /** The fingerprint of {@code der} with an SDP hash function name (sha-1, sha-256, sha-384, sha-512). */
  public static String fingerprint(String hashFunction, byte[] der) {
    try {
      byte[] digest = MessageDigest.getInstance(jcaName(hashFunction)).digest(der);
      String hex = HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
      return hex;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("unsupported fingerprint hash " + hashFunction, e);
    }
  }

  static String jcaName(String sdpName) {
    return switch (sdpName.toLowerCase(Locale.ROOT)) {
      case "sha-1" -> "SHA-1";
      case "sha-224" -> "SHA-224";
      case "sha-256" -> "SHA-256";
      case "sha-384" -> "SHA-384";
      case "sha-512" -> "SHA-512";
      default -> throw new IllegalArgumentException("unsupported fingerprint hash " + sdpName);
    };
  }
}
