package io.devsec.core.privacy;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * A personal data wipe ran every step but some failed: {@link #partialReceipt()} says what was removed
 * and which steps failed. The personal-data key is destroyed first, so unless that step is among the
 * failures the stored personal data is already unreadable. Calling the wipe again retries.
 */
public final class WipeIncompleteException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient WipeReceipt partialReceipt;

    public WipeIncompleteException(WipeReceipt partialReceipt, Throwable firstCause) {
        super("Personal data wipe incomplete; failed steps: " + String.join(", ", Objects.requireNonNull(partialReceipt).failures()),
                firstCause);
        this.partialReceipt = partialReceipt;
    }

    public WipeReceipt partialReceipt() {
        return partialReceipt;
    }

    public List<String> failedSteps() {
        return partialReceipt.failures();
    }
}
