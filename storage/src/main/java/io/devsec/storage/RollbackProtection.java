package io.devsec.storage;

import java.io.IOException;

/**
 * Storage that an attacker who can rewrite the keystore file cannot turn back: a counter in a PKCS#11
 * token or a TPM 2.0 NV counter. With it ({@link KeystoreOptions.Builder#rollbackProtection}), a keystore
 * detects a restored older copy of its file.
 *
 * <p><b>Guarantee</b> an implementation must give: {@link #read()} never returns less than a value an
 * earlier {@link #advanceTo} returned, across restarts and power cuts, and nobody without the token's
 * PIN (PKCS#11) or the TPM's owner authorization can lower it, not even by rewriting or restoring
 * the device's flash. It may be raised by others (that is a denial of service, never a rollback).
 *
 * <p><b>How the keystore uses it.</b> The keystore file records a version V, authenticated by the
 * whole-file MAC. Every durable write writes the file with V+1 (temporary file, fsync, rename, folder
 * fsync) and then advances the counter to V+1. Opening a file with counter value C: V == C is the
 * latest state; V == C+1 is a crash between the rename and the counter advance, so the file is the
 * latest durable state and the counter is advanced; V &lt; C is a restored older copy and is refused with
 * {@link KeystoreRollbackException}; V &gt; C+1 cannot be produced by this library (the file is
 * authenticated) and is refused too (a counter that was reset or belongs to another keystore).
 * Use one counter per keystore.
 *
 * <p>Without rollback protection a keystore only knows that its file is authentic, not that it is the
 * latest: counters in it are monotonic only within one file.
 */
public interface RollbackProtection {

    /** What {@link #read()} returns for a counter that was never set (absent, or never incremented). */
    long NEVER_SET = -1;

    /**
     * @return the counter's value, or {@link #NEVER_SET}
     * @throws IOException when the token or TPM cannot be reached or refuses (wrong PIN, no authorization)
     */
    long read() throws IOException;

    /**
     * Raises the counter to at least {@code value}; never lowers it. A TPM NV counter only increments,
     * and its first increment sets a value the TPM chooses (at least the highest count of any NV
     * counter it ever had), so the result may be above {@code value}.
     *
     * @param value the value to reach, not negative
     * @return the counter's value afterwards, at least {@code value}
     * @throws IOException when the token or TPM cannot be reached or refuses
     */
    long advanceTo(long value) throws IOException;

    /** @return a short description for logs and status reports (never a PIN) */
    String description();

    /**
     * A counter in a PKCS#11 token (secure element, HSM, SoftHSM2, or a TPM through libtpm2-pkcs11): the
     * value is kept as the label of a small non-extractable token key, {@code labelPrefix.<value>}; a new
     * value is created before the older ones are deleted, so a crash never loses it. About 20 ms per
     * write on SoftHSM2.
     *
     * @param settings how to reach the token (the same settings as the master key may be used)
     * @param labelPrefix 1 to 48 characters of {@code [A-Za-z0-9_-]}
     * @return the rollback protection
     * @throws IllegalArgumentException when {@code labelPrefix} is invalid
     */
    static RollbackProtection pkcs11(Pkcs11Settings settings, String labelPrefix) {
        return io.devsec.storage.internal.Pkcs11RollbackCounter.of(settings, labelPrefix);
    }

    /**
     * A TPM 2.0 NV counter, reached through the {@code tpm2-tools} command line ({@code tpm2_nvread},
     * {@code tpm2_nvincrement}, {@code tpm2_nvdefine}) with a configurable TCTI. About 100 ms per write
     * (two tool runs).
     *
     * @param settings the NV index, TCTI, tools folder and timeout
     * @return the rollback protection
     */
    static RollbackProtection tpm2NvCounter(Tpm2Settings settings) {
        return io.devsec.storage.internal.Tpm2NvCounter.of(settings);
    }
}
