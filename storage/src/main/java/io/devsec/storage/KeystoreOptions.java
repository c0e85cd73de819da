package io.devsec.storage;

import java.util.Objects;
import java.util.Optional;

/**
 * Options for {@link Keystore#open(java.nio.file.Path, MasterKeySource, KeystoreOptions)}.
 *
 * <p>{@link #DEFAULT} is the secure choice: the keystore file, its lock file, its folder and a device
 * secret file must not be readable or writable by group or others (POSIX file systems), and are
 * created owner-only (0600 files, 0700 folders).
 *
 * <p>Immutable and thread-safe.
 */
public final class KeystoreOptions {

    /** Owner-only permissions required. */
    public static final KeystoreOptions DEFAULT = builder().build();

    private final boolean insecureAllowLoosePermissions;
    private final RollbackProtection rollbackProtection;

    private KeystoreOptions(Builder builder) {
        this.insecureAllowLoosePermissions = builder.insecureAllowLoosePermissions;
        this.rollbackProtection = builder.rollbackProtection;
    }

    /**
     * A builder with the safe defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these options.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().insecureAllowLoosePermissions(insecureAllowLoosePermissions)
                .rollbackProtection(rollbackProtection);
    }

    /**
     * The storage that detects a restored older copy of the keystore file; empty when there is none,
     * and then a restored copy is <b>not detected</b> (see {@link RollbackProtection}).
     *
     * @return the rollback protection, if any
     */
    public Optional<RollbackProtection> rollbackProtection() {
        return Optional.ofNullable(rollbackProtection);
    }

    /**
     * Whether files and folders that group or others may read or write are accepted (with a WARN log)
     * instead of refused with {@link InsecurePermissionsException}.
     *
     * @return true when loose permissions are accepted
     */
    public boolean insecureAllowLoosePermissions() {
        return insecureAllowLoosePermissions;
    }

    @Override
    public String toString() {
        return "KeystoreOptions{insecureAllowLoosePermissions=" + insecureAllowLoosePermissions
                + (rollbackProtection == null ? "" : ", rollbackProtection=" + rollbackProtection.description()) + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeystoreOptions
                && ((KeystoreOptions) o).insecureAllowLoosePermissions == insecureAllowLoosePermissions
                && ((KeystoreOptions) o).rollbackProtection == rollbackProtection;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(insecureAllowLoosePermissions) * 31 + Objects.hashCode(rollbackProtection);
    }

    /** Builds {@link KeystoreOptions}. */
    public static final class Builder {
        private boolean insecureAllowLoosePermissions;
        private RollbackProtection rollbackProtection;

        private Builder() {}

        /**
         * Detects a restored older copy of the keystore file with a counter the attacker cannot turn back
         * (a PKCS#11 token or a TPM 2.0 NV counter). A keystore opened with it is bound to the counter and
         * must always be opened with it ({@link RollbackProtectionRequiredException} otherwise).
         *
         * @param protection the counter, or null for none
         * @return this builder
         */
        public Builder rollbackProtection(RollbackProtection protection) {
            this.rollbackProtection = protection;
            return this;
        }

        /**
         * Accepts keystore files and folders that group or others can read or write.
         *
         * <p><b>Warning:</b> anyone who can read the keystore file can attack its master key offline
         * (a passphrase in particular); anyone who can write the folder can replace the file. Use this
         * only on file systems without POSIX permissions you control, never on a device in the field.
         *
         * @param allow true to accept loose permissions
         * @return this builder
         */
        public Builder insecureAllowLoosePermissions(boolean allow) {
            this.insecureAllowLoosePermissions = allow;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public KeystoreOptions build() {
            return new KeystoreOptions(this);
        }
    }
}
