package io.devsec.core;

/**
 * What the other parts may know of the firmware's integrity (implemented by {@link FirmwarePart}): whether the
 * device is marked compromised (its MQTT clients are then quarantined) and whether an integrity check is wired
 * in this process.
 */
interface IntegrityState {

    /** Whether the device is marked compromised (durably, until a verified version is confirmed). */
    boolean compromised();

    /** Whether {@code startUpdates} ran in this process, so an integrity check can run and fail. */
    boolean checkConfigured();
}
