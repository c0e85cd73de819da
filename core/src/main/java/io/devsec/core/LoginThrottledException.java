package io.devsec.core;

import java.time.Duration;

/**
 * A login came inside the wait that earlier failures imposed; the password was not checked and the attempt
 * was not counted. Retry after {@link #retryAfter()}.
 */
public final class LoginThrottledException extends LoginException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public LoginThrottledException(int consecutiveFailures, Duration retryAfter) {
        super("Too many failed logins (" + consecutiveFailures + "); try again in "
                + Math.max(1, (retryAfter.toMillis() + 999) / 1000) + " s.", consecutiveFailures);
        this.retryAfter = retryAfter;
    }

    /** How long to wait before the next attempt, as elapsed time (not on the wall clock). */
    public Duration retryAfter() {
        return retryAfter;
    }
}
