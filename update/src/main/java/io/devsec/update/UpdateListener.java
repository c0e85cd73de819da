package io.devsec.update;

import java.time.LocalDate;

/**
 * Security-relevant outcomes of the update agent. core bridges these to its security event
 * stream. Methods run on the agent's thread and must return quickly; every method has a no-op
 * default.
 */
public interface UpdateListener {

    /**
     * An update was verified, written to the inactive slot and put on trial; a restart runs it.
     *
     * @param update its verified metadata
     */
    default void onInstalled(UpdateMetadata update) {
    }

    /**
     * An update, root or image was refused (bad signature, rollback attempt, wrong hash...).
     *
     * @param reason why, as a typed exception
     */
    default void onRefused(UpdateException reason) {
    }

    /**
     * The running trial version was confirmed healthy.
     *
     * @param version the confirmed version
     */
    default void onConfirmed(long version) {
    }

    /**
     * A trial was abandoned and the device goes back to the confirmed slot. Prefer overriding
     * {@link #onRolledBack(BootStatus, String)}, which also carries the reason; the agent calls that
     * one, whose default calls this.
     *
     * @param status the boot state after the rollback
     */
    default void onRolledBack(BootStatus status) {
    }

    /**
     * A trial was abandoned: its health check failed (at once, not after the remaining trial starts),
     * it was not confirmed within the trial policy, or the bootloader fell back on its own.
     *
     * @param status the boot state after the rollback
     * @param reason why, in words (for example "health check failed: IllegalStateException: relay
     *     self-test failed" or "not confirmed after 3 starts")
     */
    default void onRolledBack(BootStatus status, String reason) {
        onRolledBack(status);
    }

    /**
     * The support period announced in the metadata has ended (raised once per run).
     *
     * @param supportUntil the last day of support
     */
    default void onSupportEnded(LocalDate supportUntil) {
    }

    /**
     * A scheduled check could not reach its source or write the slot.
     *
     * @param error what failed
     */
    default void onCheckFailed(Exception error) {
    }
}
