package io.devsec.update;

import java.time.Instant;

/** Metadata has expired (a freeze attack, or a stale root or update). */
public final class ExpiredMetadataException extends UpdateException {
    private static final long serialVersionUID = 1L;
    /** See {@link #role()}. */
    private final String role;
    /** See {@link #expires()}. */
    private final Instant expires;
    /** See {@link #now()}. */
    private final Instant now;

    /**
     * Creates the exception.
     *
     * @param role which metadata expired (root or update)
     * @param expires its expiry
     * @param now the instant the check used
     */
    public ExpiredMetadataException(String role, Instant expires, Instant now) {
        super(role + " metadata expired at " + expires + " (now " + now + ")");
        this.role = role;
        this.expires = expires;
        this.now = now;
    }

    /**
     * Which metadata expired (root or update).
     *
     * @return the role
     */
    public String role() {
        return role;
    }

    /**
     * When the metadata expired.
     *
     * @return its expiry
     */
    public Instant expires() {
        return expires;
    }

    /**
     * The instant the check used (one per verification, from the injected clock).
     *
     * @return the check time
     */
    public Instant now() {
        return now;
    }
}
