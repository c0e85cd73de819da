package io.devsec.storage;

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

    private KeystoreOptions(Builder builder) {
        this.insecureAllowLoosePermissions = builder.insecureAllowLoosePermissions;
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
        return new Builder().insecureAllowLoosePermissions(insecureAllowLoosePermissions);
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
        return "KeystoreOptions{insecureAllowLoosePermissions=" + insecureAllowLoosePermissions + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeystoreOptions
                && ((KeystoreOptions) o).insecureAllowLoosePermissions == insecureAllowLoosePermissions;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(insecureAllowLoosePermissions);
    }

    /** Builds {@link KeystoreOptions}. */
    public static final class Builder {
        private boolean insecureAllowLoosePermissions;

        private Builder() {}

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
