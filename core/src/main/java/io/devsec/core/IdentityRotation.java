package io.devsec.core;

/** Whether a factory reset keeps the device identity or replaces it. */
public enum IdentityRotation {
    /** Keep the identity key, device id, CSR and installed certificate. */
    KEEP,
    /**
     * Generate a new key pair, device id, CSR and self-signed certificate; the old identity is deleted. The new
     * identity needs a new certificate from its CSR (CN = the new device id, which a broker taking the CN as user
     * name then confines to {@code devices/<new id>/}); until it is installed, a broker requiring client
     * certificates from its CA refuses the device.
     */
    ROTATE
}
