package io.devsec.core;

/**
 * The device refuses every login: it reached the maximum number of consecutive failures (100 by default).
 * The lock survives restarts; only {@link DeviceSecurity#factoryReset(IdentityRotation)} lifts it, and
 * that sets a new random password.
 */
public final class LoginLockedException extends LoginException {
    private static final long serialVersionUID = 1L;

    public LoginLockedException(int consecutiveFailures) {
        super("Login is locked after " + consecutiveFailures
                + " consecutive failures; a factory reset is needed to unlock the device.", consecutiveFailures);
    }
}
