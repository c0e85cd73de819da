package io.devsec.core;


/**
 * A login (or a password change, which starts with one) was refused; the subclass says why:
 * {@link WrongPasswordException}, {@link LoginThrottledException} or {@link LoginLockedException}.
 */
public abstract class LoginException extends DeviceSecurityException {
    private static final long serialVersionUID = 1L;

    private final int consecutiveFailures;

    LoginException(String message, int consecutiveFailures) {
        super(message);
        this.consecutiveFailures = consecutiveFailures;
    }

    /** Consecutive failed logins recorded on the device, this one included when it counted. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }
}
