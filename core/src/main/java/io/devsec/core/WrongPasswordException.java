package io.devsec.core;

import java.time.Duration;

/** The password did not match. The failure was recorded (durably) before the password was checked. */
public final class WrongPasswordException extends LoginException {
    private static final long serialVersionUID = 1L;

    private final int remainingAttempts;
    private final Duration nextAttemptDelay;

    public WrongPasswordException(int consecutiveFailures, int remainingAttempts, Duration nextAttemptDelay) {
        super("Wrong password (" + consecutiveFailures + " consecutive failures, " + remainingAttempts
                + " attempts left before the device locks"
                + (nextAttemptDelay.isZero() ? "" : "; next attempt allowed in " + nextAttemptDelay.getSeconds() + " s")
                + ").", consecutiveFailures);
        this.remainingAttempts = remainingAttempts;
        this.nextAttemptDelay = nextAttemptDelay;
    }

    /** Failed attempts left before the device locks. */
    public int remainingAttempts() {
        return remainingAttempts;
    }

    /** How long the next attempt must wait; zero when it may come at once. */
    public Duration nextAttemptDelay() {
        return nextAttemptDelay;
    }
}
