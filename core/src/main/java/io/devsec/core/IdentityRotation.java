package io.devsec.core;

/** Whether a factory reset keeps the device identity or replaces it. */
public enum IdentityRotation {
    /** Keep the identity key, device id, CSR and installed certificate. */
    KEEP,
    /** Generate a new key pair, device id, CSR and self-signed certificate; the old identity is deleted. */
    ROTATE
}
