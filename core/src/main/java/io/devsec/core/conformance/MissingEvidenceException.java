package io.devsec.core.conformance;

import io.devsec.core.DeviceSecurityException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A document that must not be produced while inputs are missing or requirements are not met was refused. */
public final class MissingEvidenceException extends DeviceSecurityException {

    private static final long serialVersionUID = 1L;

    private final List<String> missing;

    /**
     * @param document the document refused, e.g. "UK PSTI statement of compliance"
     * @param missing what is missing or not met, one entry each
     */
    public MissingEvidenceException(String document, List<String> missing) {
        super(document + " refused: " + String.join("; ", missing));
        this.missing = Collections.unmodifiableList(new ArrayList<>(missing));
    }

    /** @return what is missing or not met */
    public List<String> missing() {
        return missing;
    }
}
