package io.devsec.update;

import java.time.Instant;

/** Metadata has expired (a freeze attack, or a stale root or update). */
public final class ExpiredMetadataException extends UpdateException {
    private static final long serialVersionUID = 1L;
    private final String role;
    private final Instant expires;
    private final Instant now;

    public ExpiredMetadataException(String role, Instant expires, Instant now) {
        super(role + " metadata expired at " + expires + " (now " + now + ")");
        this.role = role;
        this.expires = expires;
        this.now = now;
    }

    public String role() {
        return role;
    }

    public Instant expires() {
        return expires;
    }

    /** The instant the check used (one per verification, from the injected clock). */
    public Instant now() {
        return now;
    }
}
