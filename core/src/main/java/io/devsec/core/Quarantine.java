package io.devsec.core;

/**
 * How the firmware part reaches the MQTT clients when the device's integrity changes (implemented by
 * {@link ConnectivityPart}, registered with {@link FirmwarePart#addQuarantine}). Called with no lock of the
 * firmware part held.
 */
interface Quarantine {

    /** Limits every live client to the alert topic (a client that cannot be limited is closed). */
    void quarantineAll();

    /** Queues the integrity alert (JSON) on the alert topic of every live client. */
    void publishAlert(byte[] alertJson);

    /** Lifts the quarantine of every live client: a verified, confirmed version runs again. */
    void liftAll();
}
