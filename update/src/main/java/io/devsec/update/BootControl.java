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
 * state in an authenticated file and is what tests and the demo use.
 */
public interface BootControl {

    /**
     * Decides what this start runs; call once at each start, before the application. During a
     * trial it counts the start, or rolls back when the trial is exhausted (too many starts or
     * too long since the switch).
     *
     * @return the state for this start: the running slot, and whether it is on trial or was rolled back
     * @throws IOException when the boot state cannot be read or written
     */
    BootStatus boot() throws IOException;

    /**
     * The state now, without counting a start.
     *
     * @return the current state
     * @throws IOException when the boot state cannot be read
     */
    BootStatus status() throws IOException;

    /**
     * Marks {@code slot} not bootable before it is written.
     *
     * @param slot the slot about to be written
     * @throws IllegalStateException when it is the confirmed slot or a trial is pending
     * @throws IOException when the boot state cannot be written
     */
    void beginInstall(Slot slot) throws IOException;

    /**
     * Opens the slot's image for writing; it must be in {@link SlotState#WRITING}. Closing syncs it.
     *
     * @param slot the slot being installed
     * @return a stream that replaces the slot's image
     * @throws IOException when the image cannot be opened
     */
    OutputStream openForWrite(Slot slot) throws IOException;

    /**
     * Opens a slot's image for reading (integrity checks at start, tests).
     *
     * @param slot the slot
     * @return a stream over the slot's image
     * @throws IOException when the image cannot be opened
     */
    InputStream openForRead(Slot slot) throws IOException;

    /**
     * Records that {@code slot} holds the verified image of {@code version}.
     *
     * @param slot the slot just written and verified
     * @param version the version of its image
     * @throws IOException when the boot state cannot be written
     */
    void markInstalled(Slot slot, long version) throws IOException;

    /**
     * Makes the next start run {@code slot} (which must be installed) on trial.
     *
     * @param slot the installed slot to try
     * @throws IOException when the boot state cannot be written
     */
    void startTrial(Slot slot) throws IOException;

    /**
     * Confirms the trial slot that this start runs: it becomes the confirmed slot.
     *
     * @throws IllegalStateException when this start does not run a trial
     * @throws IOException when the boot state cannot be written
     */
    void confirm() throws IOException;

    /**
     * Abandons a pending or running trial: the confirmed slot runs from the next start.
     *
     * @throws IOException when the boot state cannot be written
     */
    void rollback() throws IOException;

    /**
     * A boot control keeping its state in {@code directory/boot-state} (atomic writes, authenticated
     * with HMAC-SHA256 under {@code stateKey}) and slot images in {@code directory/slot-a/image} and
     * {@code slot-b/image}, never opened through a symbolic link. On first use slot A is recorded
     * as confirmed with {@code factoryVersion}.
     *
     * <p>The key must be secret and stay the same for the life of the device (core keeps a random
     * one in the keystore): whoever can write the folder but not read the key cannot forge the
     * state (mark an unconfirmed slot confirmed, reset a trial count). They can still delete the
     * state file, which makes the next open start over from slot A as on first use.
     *
     * @param stateKey at least 32 secret bytes (copied; the caller may wipe its array)
     * @throws CorruptBootStateException when the state file is changed, forged, written under
     *     another key, a symbolic link, or in the old unauthenticated format (see
     *     {@link #fileBasedUpgradingInsecureLegacyState})
     * @throws IOException when the folder cannot be read or written
     * @throws IllegalArgumentException when the key is shorter than 32 bytes
     */
    static BootControl fileBased(Path directory, TrialPolicy policy, Clock clock, long factoryVersion,
            byte[] stateKey) throws IOException {
        return FileBootControl.open(directory, policy, clock, factoryVersion, stateKey, false);
    }

    /**
     * As {@link #fileBased}, but a state file in the old version-1 format (before state keys, closed
     * by a bare SHA-256 anyone could recompute) is trusted as it is and rewritten authenticated.
     *
     * <p><b>Warning:</b> insecure unless called only on the first start after upgrading, when the key
     * was just created (core records that in its keystore and calls this exactly once); called on
     * later starts it accepts a version-1 file forged at any time.
     *
     * @param stateKey at least 32 secret bytes (copied)
     * @throws CorruptBootStateException when the file is not a valid version-1 or version-2 state
     * @throws IOException when the folder cannot be read or written
     */
    static BootControl fileBasedUpgradingInsecureLegacyState(Path directory, TrialPolicy policy, Clock clock,
            long factoryVersion, byte[] stateKey) throws IOException {
        return FileBootControl.open(directory, policy, clock, factoryVersion, stateKey, true);
    }
}
