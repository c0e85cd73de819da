package io.devsec.storage;

/** A keystore counter was asked to go down (counters only go up within one keystore file). */
public final class CounterRollbackException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong (never secret material)
     */
    public CounterRollbackException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong (never secret material)
     * @param cause the underlying failure
     */
    public CounterRollbackException(String message, Throwable cause) {
        super(message, cause);
    }
}
