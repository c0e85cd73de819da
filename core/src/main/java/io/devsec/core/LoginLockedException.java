package io.devsec.core;

/**
 * The device refuses every login: it reached the maximum number of consecutive failures (100 by default).
 * The lock survives restarts; {@link DeviceSecurity#unlockLoginAfterPhysicalPresence()} lifts it and keeps
 * the password and personal data, {@link DeviceSecurity#factoryReset(IdentityRotation)} lifts it and sets a
 * new random password. Both need proof of physical presence.
 */
public final class LoginLockedException extends LoginException {
    private static final long serialVersionUID = 1L;

    public LoginLockedException(int consecutiveFailures) {
        super("Login is locked after " + consecutiveFailures
                + " consecutive failures; unlock it on physical presence (reset button) or factory-reset it.",
                consecutiveFailures);
    }
}
