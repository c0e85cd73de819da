package io.devsec.core.privacy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The consent state of one purpose with the times of the last grant and the last withdrawal. Immutable.
 */
public final class ConsentRecord {
    private final String purposeId;
    private final ConsentState state;
    private final Instant grantedAt;
    private final Instant withdrawnAt;

    ConsentRecord(String purposeId, ConsentState state, Instant grantedAt, Instant withdrawnAt) {
        this.purposeId = Objects.requireNonNull(purposeId, "purposeId");
        this.state = Objects.requireNonNull(state, "state");
        this.grantedAt = grantedAt;
        this.withdrawnAt = withdrawnAt;
    }

    static ConsentRecord notGiven(String purposeId) {
        return new ConsentRecord(purposeId, ConsentState.NOT_GIVEN, null, null);
    }

    public String purposeId() {
        return purposeId;
    }

    public ConsentState state() {
        return state;
    }

    /** When consent was last granted; empty when it never was. */
    public Optional<Instant> grantedAt() {
        return Optional.ofNullable(grantedAt);
    }

    /** When consent was last withdrawn; empty when it never was. */
    public Optional<Instant> withdrawnAt() {
        return Optional.ofNullable(withdrawnAt);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ConsentRecord)) {
            return false;
        }
        ConsentRecord r = (ConsentRecord) o;
        return purposeId.equals(r.purposeId) && state == r.state && Objects.equals(grantedAt, r.grantedAt)
                && Objects.equals(withdrawnAt, r.withdrawnAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(purposeId, state, grantedAt, withdrawnAt);
    }

    @Override
    public String toString() {
        return "ConsentRecord[" + purposeId + " " + state + (grantedAt == null ? "" : " granted " + grantedAt)
                + (withdrawnAt == null ? "" : " withdrawn " + withdrawnAt) + "]";
    }
}
