package io.devsec.update;

import io.devsec.update.internal.EnvironmentBootControl;
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
 * <p><b>Integrators do not implement this interface.</b> To drive a real bootloader, supply the
 * three-method {@link BootEnvironment} (or use {@link BootEnvironment#uBoot} / {@link
 * BootEnvironment#grub}) and get the library's state machine from {@link #onBootloader}. This
 * interface stays for the two shipped implementations and for existing code.
 *
 * <h2>The state machine (the library's, documented once)</h2>
 * <ul>
 * <li><b>A trial start</b> is a start of the system ({@link #boot()}, once per start, before the
 *     application) that runs the trial slot while a trial is pending. Starts of the confirmed slot are
 *     not counted.
 * <li><b>Rollback at start</b>: {@link #boot()} abandons the trial (the slot becomes {@link
 *     SlotState#FAILED}, the confirmed slot runs from the next start, {@link BootStatus#rolledBack()}
 *     is true and {@link BootStatus#rollbackReason()} says why) when the trial already had {@link
 *     TrialPolicy#maxStarts()} starts, when {@link TrialPolicy#maxDuration()} has passed since {@link
 *     #startTrial}, or when the bootloader itself started the confirmed slot instead of the trial
 *     (its own counter ran out because a start did not reach the application).
 * <li><b>Rollback while running</b>: {@link UpdateAgent} calls {@link #rollback()} at once when the
 *     health check fails or the trial's time runs out; it never waits for the remaining starts.
 * <li><b>Confirm</b> is allowed only in a start that runs the trial slot ({@link #confirm()} throws
 *     {@link IllegalStateException} otherwise); {@link UpdateAgent#confirm()} first checks the running
 *     image against its signed metadata.
 * <li><b>Crash safety</b>: each state change is atomic and durable when the method returns: after a
 *     crash at any instant the device starts either the old version or the new one on trial.
 * </ul>
 * {@link #fileBased} keeps the state in an authenticated file and is what tests and the demo use.
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
     * The trial policy this state machine enforces; {@link UpdateAgent} reads it from here, so it is
     * given once.
     *
     * @return the policy
     */
    TrialPolicy trialPolicy();

    /**
     * The library's state machine over a bootloader's environment: its record in {@code devsec_*}
     * variables, the bootloader's own variables set as the environment's {@link BootEnvironment.Scheme}
     * expects, every transition one {@link BootEnvironment#set}. On first use (no record yet) the
     * running slot is recorded as confirmed with {@code factoryVersion}.
     *
     * @param environment the bootloader adapter
     * @param imageA where slot A's image is written: a partition device node or a file
     * @param imageB the same for slot B. The length of each image the library writes is recorded, so
     *     reading it back stops at its end; the factory image's length is not known: on a partition, set
     *     {@code devsec_A_length} (or {@code _B_}) of the factory slot at manufacturing, or its integrity
     *     check reads to the end of the partition and fails
     * @param policy the trial policy, given only here
     * @param clock for the trial's deadline
     * @param factoryVersion the version recorded for the running slot on first use
     * @return the boot control
     * @throws CorruptBootStateException when the record is present but inconsistent
     * @throws IOException when the environment cannot be read or written
     */
    static BootControl onBootloader(BootEnvironment environment, Path imageA, Path imageB, TrialPolicy policy,
            Clock clock, long factoryVersion) throws IOException {
        return EnvironmentBootControl.open(environment, imageA, imageB, policy, clock, factoryVersion);
    }

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
     * @param directory the folder holding the state file and both slots (created when missing)
     * @param policy the trial policy, given only here
     * @param clock for the trial's deadline
     * @param factoryVersion the version recorded for slot A on first use
     * @param stateKey at least 32 secret bytes (copied; the caller may wipe its array)
     * @return the boot control
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
     * @param directory the folder holding the state file and both slots (created when missing)
     * @param policy the trial policy, given only here
     * @param clock for the trial's deadline
     * @param factoryVersion the version recorded for slot A on first use
     * @param stateKey at least 32 secret bytes (copied)
     * @return the boot control
     * @throws CorruptBootStateException when the file is not a valid version-1 or version-2 state
     * @throws IOException when the folder cannot be read or written
     */
    static BootControl fileBasedUpgradingInsecureLegacyState(Path directory, TrialPolicy policy, Clock clock,
            long factoryVersion, byte[] stateKey) throws IOException {
        return FileBootControl.open(directory, policy, clock, factoryVersion, stateKey, true);
    }
}
