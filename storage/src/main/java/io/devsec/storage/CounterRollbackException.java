package io.devsec.storage;

/** A keystore counter was asked to go down (counters only go up within one keystore file). */
public final class CounterRollbackException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    public CounterRollbackException(String message) {
        super(message);
    }

    public CounterRollbackException(String message, Throwable cause) {
        super(message, cause);
    }
}
