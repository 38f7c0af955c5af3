package dev.nodeless.examples.kubelet;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away CA and client certificates for TLS tests, made with BouncyCastle. */
final class TestCertificates {
  record Issued(X509Certificate certificate, PrivateKey key) {}

  private final Issued ca;

  TestCertificates(String caName) throws Exception {
    KeyPair pair = keyPair();
    ca =
        new Issued(
            sign("CN=" + caName, pair, "CN=" + caName, pair.getPrivate(), true), pair.getPrivate());
  }

  String caPem() throws Exception {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(ca.certificate());
    }
    return text.toString();
  }

  /** Issues a client certificate for this common name, signed by the CA. */
  Issued client(String commonName) throws Exception {
    KeyPair pair = keyPair();
    return new Issued(
        sign(
            "CN=" + commonName,
            pair,
            ca.certificate().getSubjectX500Principal().getName(),
            ca.key(),
            false),
        pair.getPrivate());
  }

  /** Issues a client certificate that no trusted CA signed. */
  static Issued selfSignedClient(String commonName) throws Exception {
    KeyPair pair = keyPair();
    return new Issued(
        sign("CN=" + commonName, pair, "CN=" + commonName, pair.getPrivate(), false),
        pair.getPrivate());
  }

  /** Creates a TLS context that trusts {@code server} and presents {@code client} if given. */
  static SSLContext context(X509Certificate server, Issued client) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("kubelet", server);
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    KeyManagerFactory keyManagers = null;
    if (client != null) {
      KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
      keys.load(null, null);
      keys.setKeyEntry(
          "client", client.key(), new char[0], new X509Certificate[] {client.certificate()});
      keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, new char[0]);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        keyManagers == null ? null : keyManagers.getKeyManagers(),
        trustManagers.getTrustManagers(),
        new SecureRandom());
    return context;
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(
      String subject, KeyPair subjectKeys, String issuer, PrivateKey issuerKey, boolean ca)
      throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            new X500Name(issuer),
            new BigInteger(64, new SecureRandom()),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(Duration.ofDays(1))),
            new X500Name(subject),
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }
}
