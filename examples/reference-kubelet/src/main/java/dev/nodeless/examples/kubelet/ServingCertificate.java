package dev.nodeless.examples.kubelet;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate and key that the kubelet API serves, as PEM text. Either read from files, or
 * generated at start-up: a self-signed ECDSA P-256 certificate valid for one year, naming the node,
 * its address, {@code localhost} and {@code 127.0.0.1}, as the kubelet does when it has no
 * certificate.
 */
final class ServingCertificate {
  private static final Duration VALIDITY = Duration.ofDays(365);

  private final X509Certificate certificate;
  private final String certificatePem;
  private final String keyPem;

  private ServingCertificate(X509Certificate certificate, String certificatePem, String keyPem) {
    this.certificate = certificate;
    this.certificatePem = certificatePem;
    this.keyPem = keyPem;
  }

  X509Certificate certificate() {
    return certificate;
  }

  String certificatePem() {
    return certificatePem;
  }

  String keyPem() {
    return keyPem;
  }

  /**
   * Reads a PEM certificate (chain) and its private key.
   *
   * @throws IllegalArgumentException when a file cannot be read or contains no certificate
   */
  static ServingCertificate load(Path certificateFile, Path keyFile) {
    try {
      String certificatePem = Files.readString(certificateFile);
      String keyPem = Files.readString(keyFile);
      X509Certificate certificate;
      try (InputStream in = Files.newInputStream(certificateFile)) {
        certificate =
            (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      return new ServingCertificate(certificate, certificatePem, keyPem);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot read the TLS certificate "
              + certificateFile
              + " or key "
              + keyFile
              + ": "
              + e.getMessage()
              + ". Fix: pass PEM files, such as those of a kubernetes.io/tls Secret",
          e);
    }
  }

  /** Generates a self-signed certificate for these DNS names and IP addresses. */
  static ServingCertificate selfSigned(String nodeName, List<String> ipAddresses) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = generator.generateKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + nodeName + ",O=nodeless");
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              new BigInteger(64, new SecureRandom()),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(VALIDITY)),
              subject,
              pair.getPublic());
      builder.addExtension(Extension.subjectAlternativeName, false, names(nodeName, ipAddresses));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      return new ServingCertificate(
          certificate, pem(certificate), pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("failed to generate a self-signed certificate: " + e, e);
    }
  }

  /**
   * Generates a CA and one client certificate it signed, for demo mode: the demo API server
   * presents the client certificate to the kubelet API, as a real API server presents its
   * kubelet-client certificate, and the kubelet trusts the CA.
   *
   * @return the CA first, then the client certificate and its key
   */
  static List<ServingCertificate> clientCa(String caName, String clientName) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair caPair = generator.generateKeyPair();
      KeyPair clientPair = generator.generateKeyPair();
      X500Name caSubject = new X500Name("CN=" + caName);
      Instant now = Instant.now();
      X509v3CertificateBuilder ca =
          new JcaX509v3CertificateBuilder(
              caSubject,
              new BigInteger(64, new SecureRandom()),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(VALIDITY)),
              caSubject,
              caPair.getPublic());
      ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      ca.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509v3CertificateBuilder client =
          new JcaX509v3CertificateBuilder(
              caSubject,
              new BigInteger(64, new SecureRandom()),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(VALIDITY)),
              new X500Name("CN=" + clientName),
              clientPair.getPublic());
      client.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      client.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      JcaContentSignerBuilder signer = new JcaContentSignerBuilder("SHA256withECDSA");
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      X509Certificate caCertificate =
          converter.getCertificate(ca.build(signer.build(caPair.getPrivate())));
      X509Certificate clientCertificate =
          converter.getCertificate(client.build(signer.build(caPair.getPrivate())));
      return List.of(
          new ServingCertificate(caCertificate, pem(caCertificate), null),
          new ServingCertificate(
              clientCertificate,
              pem(clientCertificate),
              pem(new JcaPKCS8Generator(clientPair.getPrivate(), null))));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("failed to generate the demo client CA: " + e, e);
    }
  }

  /** The private key, parsed from {@link #keyPem()}. */
  java.security.PrivateKey privateKey() {
    try (org.bouncycastle.openssl.PEMParser parser =
        new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(keyPem))) {
      Object parsed = parser.readObject();
      org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter converter =
          new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
      if (parsed instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (parsed instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new IllegalArgumentException("invalid key PEM: it contains no private key");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static GeneralNames names(String nodeName, List<String> ipAddresses) {
    Set<String> dns = new LinkedHashSet<>(List.of(nodeName, "localhost"));
    Set<String> ips = new LinkedHashSet<>(ipAddresses);
    ips.add("127.0.0.1");
    List<GeneralName> names = new ArrayList<>();
    dns.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
    for (String ip : ips) {
      try {
        names.add(new GeneralName(GeneralName.iPAddress, ip));
      } catch (IllegalArgumentException notAnAddress) {
        names.add(new GeneralName(GeneralName.dNSName, ip));
      }
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static String pem(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
