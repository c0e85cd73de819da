package io.devsec.update;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A snapshot of the A/B boot state. Immutable. */
public final class BootStatus {
    private final Slot confirmed;
    private final Map<Slot, SlotState> states;
    private final Map<Slot, Long> versions;
    private final Slot trial;
    private final int trialStarts;
    private final Instant trialSince;
    private final Slot running;
    private final boolean rolledBack;
    private final String rollbackReason;

    /**
     * For {@link BootControl} implementations (integrators implement the smaller {@link BootEnvironment}
     * instead and never build one).
     *
     * @param confirmed the last confirmed slot
     * @param states the state of each slot (both required)
     * @param versions the version in each slot, 0 when empty (both required)
     * @param trial the slot on trial, if any
     * @param trialStarts how many starts the trial slot has had
     * @param trialSince when the trial began, if one runs
     * @param running the slot this start runs
     * @param rolledBack whether this start rolled back a trial
     * @throws IllegalArgumentException when a slot's state or version is missing
     */
    public BootStatus(Slot confirmed, Map<Slot, SlotState> states, Map<Slot, Long> versions, Optional<Slot> trial,
            int trialStarts, Optional<Instant> trialSince, Slot running, boolean rolledBack) {
        this.confirmed = Objects.requireNonNull(confirmed, "confirmed");
        this.states = new EnumMap<>(states);
        this.versions = new EnumMap<>(versions);
        this.trial = trial.orElse(null);
        this.trialStarts = trialStarts;
        this.trialSince = trialSince.orElse(null);
        this.running = Objects.requireNonNull(running, "running");
        this.rolledBack = rolledBack;
        this.rollbackReason = null;
        for (Slot s : Slot.values()) {
            if (!this.states.containsKey(s) || !this.versions.containsKey(s)) {
                throw new IllegalArgumentException("state and version of slot " + s + " are required");
            }
        }
    }

    private BootStatus(BootStatus from, String reason) {
        this.confirmed = from.confirmed;
        this.states = from.states;
        this.versions = from.versions;
        this.trial = from.trial;
        this.trialStarts = from.trialStarts;
        this.trialSince = from.trialSince;
        this.running = from.running;
        this.rolledBack = from.rolledBack;
        this.rollbackReason = reason;
    }

    /**
     * This status with the reason a rollback happened at this start.
     *
     * @param reason why the trial was abandoned, in words for the log and the security event
     * @return a copy carrying the reason
     */
    public BootStatus withRollbackReason(String reason) {
        return new BootStatus(this, Objects.requireNonNull(reason, "reason"));
    }

    /**
     * Why the trial was abandoned at this start, when {@link #rolledBack()} and the boot control said
     * (for example "not confirmed after 3 starts", or that the bootloader fell back on its own).
     *
     * @return the reason, or empty
     */
    public Optional<String> rollbackReason() {
        return Optional.ofNullable(rollbackReason);
    }

    /**
     * The last confirmed slot: the fallback while a trial runs.
     *
     * @return the confirmed slot
     */
    public Slot confirmedSlot() {
        return confirmed;
    }

    /**
     * The version in the confirmed slot.
     *
     * @return the confirmed version
     */
    public long confirmedVersion() {
        return versions.get(confirmed);
    }

    /**
     * A slot's state.
     *
     * @param slot the slot
     * @return its state
     */
    public SlotState state(Slot slot) {
        return states.get(slot);
    }

    /**
     * The version in a slot (0 when empty or being written).
     *
     * @param slot the slot
     * @return its version
     */
    public long version(Slot slot) {
        return versions.get(slot);
    }

    /**
     * The slot on trial (pending or running), if any.
     *
     * @return the trial slot, or empty
     */
    public Optional<Slot> trialSlot() {
        return Optional.ofNullable(trial);
    }

    /**
     * How many starts the trial slot has had.
     *
     * @return the number of starts
     */
    public int trialStarts() {
        return trialStarts;
    }

    /**
     * When the trial began, if one is pending or running.
     *
     * @return the start of the trial, or empty
     */
    public Optional<Instant> trialSince() {
        return Optional.ofNullable(trialSince);
    }

    /**
     * The slot this start runs (the trial slot during a trial, else the confirmed slot).
     *
     * @return the running slot
     */
    public Slot runningSlot() {
        return running;
    }

    /**
     * The version this start runs.
     *
     * @return the running version
     */
    public long runningVersion() {
        return versions.get(running);
    }

    /**
     * Whether this start rolled back a trial that was not confirmed in time.
     *
     * @return true after a rollback
     */
    public boolean rolledBack() {
        return rolledBack;
    }

    @Override
    public String toString() {
        return "BootStatus[confirmed=" + confirmed + " v" + versions.get(confirmed) + ", running=" + running + " v"
                + versions.get(running) + ", A=" + states.get(Slot.A) + " v" + versions.get(Slot.A) + ", B="
                + states.get(Slot.B) + " v" + versions.get(Slot.B) + ", trial=" + trial + " (" + trialStarts
                + " starts), rolledBack=" + rolledBack + (rollbackReason == null ? "" : " (" + rollbackReason + ")") + "]";
    }
}
