package io.devsec.update;

/** One of the two A/B slots. */
public enum Slot {
    /** The first slot (the factory image on first use). */
    A,
    /** The second slot. */
    B;

    /**
     * The other slot.
     *
     * @return B for A, A for B
     */
    public Slot other() {
        return this == A ? B : A;
    }
}
