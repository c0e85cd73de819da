package io.devsec.update;

/** What a slot holds, as the boot control records it. */
public enum SlotState {
    /** Nothing installed. */
    EMPTY,
    /** Being written: never bootable until verified and marked installed. */
    WRITING,
    /** A verified image, not yet confirmed (a trial may be pending). */
    INSTALLED,
    /** Confirmed healthy at least once. */
    CONFIRMED,
    /** Its trial failed and the device rolled back; not bootable. */
    FAILED
}
