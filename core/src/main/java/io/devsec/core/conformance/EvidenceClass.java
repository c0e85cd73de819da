package io.devsec.core.conformance;

/**
 * How a row's claim is known. Ordered from strongest to weakest.
 */
public enum EvidenceClass {
    /** The part that owns the mechanism checked it on this device now (a keystore entry, a live session). */
    OBSERVED,
    /** Settings that make the mechanism active were read from the device's configuration. */
    CONFIGURED,
    /** A manufacturer statement from the declarations file, with who declared it and when. */
    DECLARED,
    /** Nothing could be checked or read: the row cannot claim support. */
    NOT_ASSESSED
}
