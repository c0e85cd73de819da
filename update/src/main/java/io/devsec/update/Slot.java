package io.devsec.update;

/** One of the two A/B slots. */
public enum Slot {
    A,
    B;

    /** The other slot. */
    public Slot other() {
        return this == A ? B : A;
    }
}
