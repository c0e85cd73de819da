package io.devsec.core.privacy;

import io.devsec.core.DeviceSecurityException;

/** Personal data was about to be processed for a purpose the consumer has not consented to. */
public final class ConsentMissingException extends DeviceSecurityException {
    private static final long serialVersionUID = 1L;

    private final String purposeId;
    private final ConsentState state;

    public ConsentMissingException(String purposeId, ConsentState state) {
        super("No consent for purpose '" + purposeId + "' (consent " + state + ").");
        this.purposeId = purposeId;
        this.state = state;
    }

    public String purposeId() {
        return purposeId;
    }

    /** {@link ConsentState#NOT_GIVEN} or {@link ConsentState#WITHDRAWN}. */
    public ConsentState state() {
        return state;
    }
}
