package io.devsec.core;

/**
 * What {@link DeviceSecurity#installCertificateChain(java.util.List, SubjectCheck)} requires of the issued
 * leaf certificate's subject.
 */
public enum SubjectCheck {
    /**
     * The default: the subject holds exactly one common name (CN), equal to the device id, as a UTF8String,
     * PrintableString or IA5String (encodings whose bytes are the device id's characters). This is what a
     * broker that takes the CN as the MQTT user name needs (Mosquitto {@code use_identity_as_username}, and
     * brokers with a similar option) for an ACL such as {@code pattern readwrite devices/%u/#}.
     */
    REQUIRE_DEVICE_ID_CN,
    /**
     * Any subject is accepted: for a broker that maps a certificate to the device another way (AWS IoT Core
     * attaches the certificate to a thing, and its policies can require the client id to be the thing name).
     * The leaf must still hold the device's public key. {@link DeviceSecurity#status()} then says the CN is not
     * the device id, so a later move to a CN-based broker is not a surprise.
     */
    ACCEPT_ANY_SUBJECT
}
