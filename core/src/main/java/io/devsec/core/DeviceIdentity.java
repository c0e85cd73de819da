package io.devsec.core;

import io.devsec.storage.KeystoreException;
import io.devsec.transport.TlsIdentity;
import java.util.Optional;

/**
 * What the other parts may know of the device identity (implemented by {@link IdentityPart}): its id and serial
 * number, for their logs, events and password rules, and the TLS identity for the MQTT clients. Always the
 * current values: a factory reset with {@link IdentityRotation#ROTATE} changes them.
 */
interface DeviceIdentity {

    /** The device id ({@code ds-} and 32 base32 characters). */
    String deviceId();

    /** The serial number from the provisioning record, if any. */
    Optional<String> serialNumber();

    /**
     * The identity key and current certificate chain for JSSE.
     *
     * @throws KeystoreException when the keystore cannot be read
     */
    TlsIdentity tlsIdentity() throws KeystoreException;
}
