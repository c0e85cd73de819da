package io.devsec.core;

import io.devsec.core.privacy.WipeReceipt;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a factory reset for a transfer of ownership did: the receipt of the personal data wipe that ran
 * first, and the new unique password, which the caller shows once and then {@linkplain #destroy() wipes}.
 * {@link #toString()} never shows the password.
 */
public final class FactoryResetResult {
    private final char[] password;
    private final WipeReceipt wipeReceipt;
    private final String deviceId;
    private boolean destroyed;

    FactoryResetResult(char[] password, WipeReceipt wipeReceipt, String deviceId) {
        this.password = Objects.requireNonNull(password, "password");
        this.wipeReceipt = Objects.requireNonNull(wipeReceipt, "wipeReceipt");
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
    }

    /**
     * The new password (a copy; the caller wipes it).
     *
     * @throws IllegalStateException after {@link #destroy()}
     */
    public synchronized char[] password() {
        if (destroyed) {
            throw new IllegalStateException("the password was destroyed");
        }
        return password.clone();
    }

    /** The receipt of the personal data wipe that ran before the reset. */
    public WipeReceipt wipeReceipt() {
        return wipeReceipt;
    }

    /** The device id after the reset (a new one when the identity was rotated). */
    public String deviceId() {
        return deviceId;
    }

    /** Overwrites the password held here. Idempotent. */
    public synchronized void destroy() {
        Arrays.fill(password, '\0');
        destroyed = true;
    }

    @Override
    public String toString() {
        return "FactoryResetResult{deviceId=" + deviceId + ", wipeReceipt=" + wipeReceipt + "}";
    }
}
