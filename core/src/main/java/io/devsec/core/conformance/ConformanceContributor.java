package io.devsec.core.conformance;

import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * A part of the SDK that owns mechanisms and reports evidence for them. The device's composition root asks
 * each part in turn; a part reports only what it can check or read itself, and
 * {@link Evidence#notAssessed} for the rest of what it owns.
 */
public interface ConformanceContributor {

    /**
     * Adds this part's evidence.
     *
     * @param sink where the evidence goes
     * @throws IOException when the part's state cannot be read
     * @throws GeneralSecurityException when the part's protected state cannot be read
     */
    void contribute(EvidenceSink sink) throws IOException, GeneralSecurityException;
}
