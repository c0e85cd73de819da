package io.devsec.core.internal;

import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1PrintableString;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * What a broker that takes the certificate's common name as the MQTT user name sees: Mosquitto's
 * {@code use_identity_as_username} reads the first CN of the subject, as raw bytes of its ASN.1 string.
 */
public final class CertificateSubjects {

    private CertificateSubjects() {}

    /**
     * The user name such a broker derives from {@code leaf}, when it is unambiguous: exactly one CN, single-valued
     * in its RDN, encoded as UTF8String, PrintableString or IA5String.
     *
     * @param leaf the device certificate
     * @return the CN, or empty
     */
    public static Optional<String> brokerUserName(X509Certificate leaf) {
        return problem(leaf, null) == null ? Optional.of(cn(leaf)) : Optional.<String>empty();
    }

    /**
     * Why {@code leaf} does not name {@code deviceId} as its CN; {@code null} when it does. With
     * {@code deviceId == null}, only whether the CN is unambiguous.
     *
     * @param leaf the device certificate
     * @param deviceId the expected CN, or null
     * @return a sentence, or null
     */
    public static String problem(X509Certificate leaf, String deviceId) {
        X500Name name;
        try {
            name = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
        } catch (RuntimeException e) {
            return "Its subject cannot be read.";
        }
        RDN[] rdns = name.getRDNs(BCStyle.CN);
        if (rdns.length == 0) {
            return "The subject has no CN.";
        }
        int count = 0;
        for (RDN rdn : rdns) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                if (atv.getType().equals(BCStyle.CN)) {
                    count++;
                }
            }
        }
        if (count > 1 || rdns[0].isMultiValued()) {
            return "The subject holds more than one CN or a multi-valued name with it; brokers read only one of them.";
        }
        ASN1Encodable value = rdns[0].getFirst().getValue();
        if (!(value instanceof ASN1UTF8String || value instanceof ASN1PrintableString || value instanceof ASN1IA5String)) {
            return "The CN is encoded as " + value.getClass().getSimpleName()
                    + ", which brokers read as raw bytes, not as the device id.";
        }
        if (deviceId != null && !deviceId.equals(cn(leaf))) {
            return "The CN is \"" + cn(leaf) + "\".";
        }
        return null;
    }

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final int DIGITAL_SIGNATURE = 0;

    /**
     * Why {@code leaf} may not authenticate a TLS client; {@code null} when it may. An absent extension allows
     * every use (RFC 5280 4.2.1.3 and 4.2.1.12).
     *
     * @param leaf the device certificate
     * @return a sentence, or null
     */
    public static String clientAuthProblem(X509Certificate leaf) {
        boolean[] keyUsage = leaf.getKeyUsage();
        if (keyUsage != null && (keyUsage.length <= DIGITAL_SIGNATURE || !keyUsage[DIGITAL_SIGNATURE])) {
            return "its key usage does not include digitalSignature.";
        }
        java.util.List<String> eku;
        try {
            eku = leaf.getExtendedKeyUsage();
        } catch (java.security.cert.CertificateParsingException e) {
            return "its extended key usage cannot be read.";
        }
        if (eku != null && !eku.contains(CLIENT_AUTH) && !eku.contains(ANY_EXTENDED_KEY_USAGE)) {
            return "its extended key usage " + eku + " does not include clientAuth (" + CLIENT_AUTH + ").";
        }
        return null;
    }

    private static String cn(X509Certificate leaf) {
        X500Name name = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
        return ((org.bouncycastle.asn1.ASN1String) name.getRDNs(BCStyle.CN)[0].getFirst().getValue()).getString();
    }
}
