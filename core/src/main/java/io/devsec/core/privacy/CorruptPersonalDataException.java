package io.devsec.core.privacy;

import io.devsec.core.DeviceSecurityException;

/**
 * Stored personal data or consent state failed its integrity check (AES-GCM tag, format, bounds):
 * it was altered, truncated or written under another key. The data is never silently replaced.
 */
public final class CorruptPersonalDataException extends DeviceSecurityException {
    private static final long serialVersionUID = 1L;

    private final String item;

    public CorruptPersonalDataException(String item, String problem) {
        super("Personal data item '" + item + "' is corrupt: " + problem);
        this.item = item;
    }

    /** The name of the item (a file name or keystore entry name, never its content). */
    public String item() {
        return item;
    }
}
