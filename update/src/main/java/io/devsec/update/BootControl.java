package io.devsec.update;

import io.devsec.update.internal.FileBootControl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The A/B boot state machine: a slot is written, marked installed, put on trial (pending boot),
 * then confirmed; a trial not confirmed within its {@link TrialPolicy} rolls back by itself.
 *
 * <p>Each state change is atomic and durable when the method returns: after a crash at any
 * instant the device starts either the old version or the new one on trial. Implement this
 * interface to plug in a real bootloader (U-Boot environment, GRUB); {@link #fileBased} keeps the
 * state in a file and is what tests and the demo use.
 */
public interface BootControl {

    /**
     * Decides what this start runs; call once at each start, before the application. During a
     * trial it counts the start, or rolls back when the trial is exhausted (too many starts or
     * too long since the switch).
     */
    BootStatus boot() throws IOException;

    /** The state now, without counting a start. */
    BootStatus status() throws IOException;

    /**
     * Marks {@code slot} not bootable before it is written.
     *
     * @throws IllegalStateException when it is the confirmed slot or a trial is pending
     */
    void beginInstall(Slot slot) throws IOException;

    /** Opens the slot's image for writing; it must be in {@link SlotState#WRITING}. Closing syncs it. */
    OutputStream openForWrite(Slot slot) throws IOException;

    /** Opens a slot's image for reading (integrity checks at start, tests). */
    InputStream openForRead(Slot slot) throws IOException;

    /** Records that {@code slot} holds the verified image of {@code version}. */
    void markInstalled(Slot slot, long version) throws IOException;

    /** Makes the next start run {@code slot} (which must be installed) on trial. */
    void startTrial(Slot slot) throws IOException;

    /**
     * Confirms the trial slot that this start runs: it becomes the confirmed slot.
     *
     * @throws IllegalStateException when this start does not run a trial
     */
    void confirm() throws IOException;

    /** Abandons a pending or running trial: the confirmed slot runs from the next start. */
    void rollback() throws IOException;

    /**
     * A boot control keeping its state in {@code directory/boot-state} (atomic writes with a
     * checksum) and slot images in {@code directory/slot-a/image} and {@code slot-b/image}. On
     * first use slot A is recorded as confirmed with {@code factoryVersion}.
     */
    static BootControl fileBased(Path directory, TrialPolicy policy, Clock clock, long factoryVersion)
            throws IOException {
        return FileBootControl.open(directory, policy, clock, factoryVersion);
    }
}
