package io.devsec.update;

import java.time.LocalDate;

/**
 * Security-relevant outcomes of the update agent. core bridges these to its security event
 * stream. Methods run on the agent's thread and must return quickly; every method has a no-op
 * default.
 */
public interface UpdateListener {

    /** An update was verified, written to the inactive slot and put on trial; a restart runs it. */
    default void onInstalled(UpdateMetadata update) {
    }

    /** An update, root or image was refused (bad signature, rollback attempt, wrong hash...). */
    default void onRefused(UpdateException reason) {
    }

    /** The running trial version was confirmed healthy. */
    default void onConfirmed(long version) {
    }

    /** A trial was not confirmed in time and the device went back to the confirmed slot. */
    default void onRolledBack(BootStatus status) {
    }

    /** The support period announced in the metadata has ended (raised once per run). */
    default void onSupportEnded(LocalDate supportUntil) {
    }

    /** A scheduled check could not reach its source or write the slot. */
    default void onCheckFailed(Exception error) {
    }
}
