package io.devsec.transport;

/**
 * The application's (or core's) check of an inbound message, run after DevSec's own size and
 * topic checks and before the handler. Throwing drops the message and reports a security event.
 */
@FunctionalInterface
public interface MessageValidator {
    /** Accepts everything the built-in checks accepted. */
    MessageValidator ACCEPT_ALL = m -> { };

    /**
     * Checks one inbound message before the application sees it.
     *
     * @param message the message, already inside the namespace and within the size limit
     * @throws InvalidMessageException when the message must not reach the application
     */
    void validate(InboundMessage message) throws InvalidMessageException;
}
