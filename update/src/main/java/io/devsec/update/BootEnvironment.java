package io.devsec.update;

import io.devsec.update.internal.GrubEnvironment;
import io.devsec.update.internal.UBootEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Optional;

/**
 * What a platform supplies so that DevSec can drive its bootloader: named variables it can read and
 * write, and which slot is running. It only stores; the A/B state machine (when a start counts as a
 * trial start, when a trial may be confirmed, when and why it rolls back) is the library's, see
 * {@link BootControl#onBootloader}. Two real ones ship: {@link #uBoot} ({@code fw_printenv}/{@code
 * fw_setenv}) and {@link #grub} ({@code grub-editenv}).
 *
 * <h2>Contract</h2>
 * <ul>
 * <li><b>Names and values.</b> Names match {@code [A-Za-z_][A-Za-z0-9_]{0,63}}; values are at most 256
 *     characters without CR, LF or NUL. The library writes only such pairs; an implementation may
 *     refuse others with {@link IllegalArgumentException}.
 * <li><b>{@link #set} is one write.</b> All variables of one call become visible together or not at
 *     all after a power cut at any instant: the implementation writes them with one write of the
 *     environment (U-Boot: one {@code fw_setenv --script}; GRUB: one {@code grub-editenv set}). The
 *     state machine relies on this: each of its transitions is exactly one {@code set}, so a crash
 *     between two calls leaves the previous consistent state, never half of one. Whether the single
 *     write itself survives a power cut is the storage's property: U-Boot with a redundant environment
 *     ({@code fw_env.config} with two lines) switches copies atomically, a single-copy U-Boot
 *     environment or a GRUB {@code grubenv} file (rewritten in place) can be torn by a cut during the
 *     write itself.
 * <li><b>Durable on return.</b> When {@link #set} returns, the values survive a power cut.
 * <li><b>Failures are {@link IOException}s.</b> A missing tool, a non-zero exit, a timeout or an
 *     unreadable store throws; nothing is guessed. The library then fails closed (the start or the
 *     install fails; it never confirms or switches on a half-known state).
 * <li><b>{@link #runningSlot}</b> is what the bootloader actually started (for example from the kernel
 *     command line {@code devsec.slot=B} that the boot script appends), not what the variables say
 *     should run: the difference is how the library learns that the bootloader fell back on its own.
 * </ul>
 *
 * <h2>Variables the library owns</h2>
 * Every {@code devsec_*} variable (the library's record: {@code devsec_confirmed}, {@code devsec_boot},
 * {@code devsec_trial}, {@code devsec_trial_starts}, {@code devsec_trial_since}, {@code devsec_A_state},
 * {@code devsec_A_version}, {@code devsec_A_length} and the same for B), plus the bootloader's own
 * variables of the {@link #scheme()}: for {@link Scheme#UBOOT_BOOTCOUNT} {@code upgrade_available},
 * {@code bootcount} and {@code bootlimit}; for {@link Scheme#GRUB_RAUC} {@code ORDER}, {@code A_OK},
 * {@code B_OK}, {@code A_TRY} and {@code B_TRY}. The boot script reads them and must not write them,
 * except what its convention lets the bootloader write ({@code bootcount}, {@code A_TRY}/{@code B_TRY}).
 */
public interface BootEnvironment {

    /**
     * Which bootloader convention the library writes besides its own {@code devsec_*} variables.
     */
    enum Scheme {
        /**
         * U-Boot's boot count limit ({@code CONFIG_BOOTCOUNT_LIMIT}, {@code CONFIG_BOOTCOUNT_ENV};
         * U-Boot {@code doc/api/bootcount.rst}, as used by SWUpdate): during a trial the library sets
         * {@code upgrade_available=1}, {@code bootcount=0} and {@code bootlimit} to the trial's maximum
         * starts; U-Boot increments {@code bootcount} at each start while {@code upgrade_available=1} and
         * runs {@code altbootcmd} instead of {@code bootcmd} once {@code bootcount > bootlimit}. The boot
         * script boots {@code devsec_boot}; {@code altbootcmd} boots {@code devsec_confirmed}. Confirm and
         * rollback set {@code upgrade_available=0} and {@code bootcount=0}.
         */
        UBOOT_BOOTCOUNT,
        /**
         * RAUC's GRUB convention (RAUC documentation, "Integration: GRUB"): {@code ORDER} lists the slots
         * to try ({@code "B A"} during a trial of B), {@code X_OK=1} marks a bootable slot and {@code
         * X_TRY=1} is set by the GRUB script when it starts X; a slot with {@code TRY=1} is skipped at
         * the next start unless the system reset it. The library resets the trial slot's {@code TRY} at
         * each counted start while the trial has starts left, so the trial policy's maximum starts is
         * honoured; a start that never reaches the library leaves {@code TRY=1} and GRUB falls back.
         */
        GRUB_RAUC
    }

    /**
     * The value of variable {@code name}.
     *
     * @param name a variable name (see the contract)
     * @return the value, or empty when the variable is not set
     * @throws IOException when the environment cannot be read
     */
    Optional<String> get(String name) throws IOException;

    /**
     * Sets all {@code variables} with one atomic, durable write (see the contract).
     *
     * @param variables names and values; never empty
     * @throws IOException when the write fails; then none of the values may have changed
     */
    void set(Map<String, String> variables) throws IOException;

    /**
     * The slot the bootloader started for this run of the system.
     *
     * @return the running slot
     * @throws IOException when it cannot be determined
     */
    Slot runningSlot() throws IOException;

    /**
     * The bootloader convention whose variables the library writes; default
     * {@link Scheme#UBOOT_BOOTCOUNT}.
     *
     * @return the scheme
     */
    default Scheme scheme() {
        return Scheme.UBOOT_BOOTCOUNT;
    }

    /**
     * The U-Boot environment through {@code fw_printenv}/{@code fw_setenv} (Debian {@code
     * libubootenv-tool}) with the configuration {@code fwEnvConfig}, the running slot read from {@code
     * devsec.slot=A|B} on {@code /proc/cmdline}, scheme {@link Scheme#UBOOT_BOOTCOUNT}.
     *
     * @param fwEnvConfig the {@code fw_env.config} naming the environment's device or file
     * @return the environment
     */
    static BootEnvironment uBoot(Path fwEnvConfig) {
        return new UBootEnvironment(fwEnvConfig, null, Paths.get("/proc/cmdline"));
    }

    /**
     * As {@link #uBoot(Path)} with a default environment for a blank (never written) store and another
     * kernel command line file (tests, containers).
     *
     * @param fwEnvConfig the {@code fw_env.config}
     * @param defaultEnvironment a file of {@code name=value} lines used when the store holds no valid
     *     environment yet ({@code fw_setenv -f}); may be null
     * @param kernelCommandLine the file holding the kernel command line with {@code devsec.slot=A|B}
     * @return the environment
     */
    static BootEnvironment uBoot(Path fwEnvConfig, Path defaultEnvironment, Path kernelCommandLine) {
        return new UBootEnvironment(fwEnvConfig, defaultEnvironment, kernelCommandLine);
    }

    /**
     * The GRUB environment block {@code grubenv} through {@code grub-editenv} (Debian {@code
     * grub-common}), the running slot read from {@code devsec.slot=A|B} on {@code /proc/cmdline},
     * scheme {@link Scheme#GRUB_RAUC}.
     *
     * @param grubenv the environment block file, for example {@code /boot/grub/grubenv}
     * @return the environment
     */
    static BootEnvironment grub(Path grubenv) {
        return new GrubEnvironment(grubenv, Paths.get("/proc/cmdline"));
    }

    /**
     * As {@link #grub(Path)} with another kernel command line file (tests, containers).
     *
     * @param grubenv the environment block file
     * @param kernelCommandLine the file holding the kernel command line with {@code devsec.slot=A|B}
     * @return the environment
     */
    static BootEnvironment grub(Path grubenv, Path kernelCommandLine) {
        return new GrubEnvironment(grubenv, kernelCommandLine);
    }
}
