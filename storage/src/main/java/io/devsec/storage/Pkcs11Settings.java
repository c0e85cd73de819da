package io.devsec.storage;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * How to reach the PKCS#11 token that holds a keystore's master key, for
 * {@link MasterKeySource#pkcs11(Pkcs11Settings)}.
 *
 * <p>Either name the token's PKCS#11 library ({@link Builder#library(Path)}) and optionally its
 * {@link Builder#slot(long) slot id} or {@link Builder#slotListIndex(int) slot list index}, or give
 * a complete SunPKCS11 configuration file ({@link Builder#sunPkcs11Config(Path)}). The user PIN is
 * copied in; {@link #destroy()} wipes the copy.
 *
 * <p>The master key is an AES-256 secret key stored in the token under {@link #keyAlias()}; when it
 * is absent at keystore creation it is generated inside the token as sensitive and non-extractable,
 * and it never leaves the token: the keystore's data key is wrapped and unwrapped with
 * AES/GCM/NoPadding by the token itself.
 *
 * <p>Token labels: the JDK's SunPKCS11 provider selects tokens by slot id or slot list index only,
 * so this class does too.
 */
public final class Pkcs11Settings {

    /** The key alias used when none is given. */
    public static final String DEFAULT_KEY_ALIAS = "devsec-keystore-master";

    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Path library;
    private final Path sunPkcs11Config;
    private final Long slot;
    private final Integer slotListIndex;
    private final char[] pin;
    private final String keyAlias;
    private final boolean insecureAllowExtractableMasterKey;

    private Pkcs11Settings(Builder b) {
        this.insecureAllowExtractableMasterKey = b.insecureAllowExtractableMasterKey;
        this.library = b.library;
        this.sunPkcs11Config = b.sunPkcs11Config;
        this.slot = b.slot;
        this.slotListIndex = b.slotListIndex;
        this.pin = b.pin.clone();
        this.keyAlias = b.keyAlias;
    }

    /**
     * A builder; set a library or a configuration file, and the PIN.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these values: {@code x.toBuilder().build()} equals {@code x}, and a setter
     * changes only its own field.
     *
     * @return a new builder holding this object's values (with its own copy of the PIN)
     * @throws IllegalStateException after {@link #destroy()}, when the PIN is wiped
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.library = library;
        b.sunPkcs11Config = sunPkcs11Config;
        b.slot = slot;
        b.slotListIndex = slotListIndex;
        b.pin = pin();
        b.keyAlias = keyAlias;
        b.insecureAllowExtractableMasterKey = insecureAllowExtractableMasterKey;
        return b;
    }

    /**
     * The PKCS#11 library (for example {@code /usr/lib/softhsm/libsofthsm2.so}), unless a config file is used.
     *
     * @return the library, or empty when a configuration file is used
     */
    public Optional<Path> library() {
        return Optional.ofNullable(library);
    }

    /**
     * A complete SunPKCS11 configuration file, used instead of {@link #library()}.
     *
     * @return the configuration file, or empty when a library is used
     */
    public Optional<Path> sunPkcs11Config() {
        return Optional.ofNullable(sunPkcs11Config);
    }

    /**
     * The slot id (PKCS#11 CK_SLOT_ID) of the token, when set.
     *
     * @return the slot id, or empty
     */
    public OptionalLong slot() {
        return slot == null ? OptionalLong.empty() : OptionalLong.of(slot);
    }

    /**
     * The index of the token's slot in the library's slot list, when set.
     *
     * @return the index, or empty
     */
    public OptionalInt slotListIndex() {
        return slotListIndex == null ? OptionalInt.empty() : OptionalInt.of(slotListIndex);
    }

    /**
     * The alias of the AES-256 master key in the token.
     *
     * @return the alias
     */
    public String keyAlias() {
        return keyAlias;
    }

    /** @return whether a master key that can leave the token is accepted (with a warning) instead of refused */
    public boolean insecureAllowExtractableMasterKey() {
        return insecureAllowExtractableMasterKey;
    }

    /**
     * A copy of the user PIN, which the caller should wipe.
     *
     * @return a copy of the PIN
     * @throws IllegalStateException after {@link #destroy()}
     */
    public char[] pin() {
        synchronized (pin) {
            if (destroyed) {
                throw new IllegalStateException("Pkcs11Settings was destroyed: the PIN is wiped.");
            }
            return pin.clone();
        }
    }

    private boolean destroyed;

    /** Wipes this object's copy of the PIN. Idempotent. */
    public void destroy() {
        synchronized (pin) {
            Arrays.fill(pin, '\0');
            destroyed = true;
        }
    }

    /** Never shows the PIN. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Pkcs11Settings{");
        if (library != null) {
            s.append("library=").append(library);
        } else {
            s.append("sunPkcs11Config=").append(sunPkcs11Config);
        }
        if (slot != null) {
            s.append(", slot=").append(slot);
        }
        if (slotListIndex != null) {
            s.append(", slotListIndex=").append(slotListIndex);
        }
        return s.append(", keyAlias=").append(keyAlias).append(", pin=<hidden>}").toString();
    }

    /**
     * Refuses a value that could inject lines into the SunPKCS11 configuration: control characters
     * (newline), quotes, backslashes, braces and '='.
     */
    private static void checkConfigValue(String value, String field) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (Character.isISOControl(ch) || ch == '"' || ch == '{' || ch == '}' || ch == '=' || ch == '\\') {
                throw new IllegalArgumentException(field + " contains a character that is not allowed in a PKCS#11 "
                        + "configuration value (control character, quote, backslash, brace or '=').");
            }
        }
    }

    /** Builds {@link Pkcs11Settings}; {@link #build()} validates and names the bad field. */
    public static final class Builder {
        private Path library;
        private Path sunPkcs11Config;
        private Long slot;
        private Integer slotListIndex;
        private char[] pin;
        private String keyAlias = DEFAULT_KEY_ALIAS;
        private boolean insecureAllowExtractableMasterKey;

        private Builder() {}

        /**
         * Accepts an existing master key that is extractable or not sensitive, which is otherwise refused
         * with {@link WeakMasterKeyException} when the keystore is opened.
         *
         * <p><b>Warning:</b> such a key can be read or wrapped out of the token, and then decrypts the
         * keystore anywhere. Only for migrating from a token that cannot make non-extractable keys.
         *
         * @param allow whether to accept it
         * @return this builder
         */
        public Builder insecureAllowExtractableMasterKey(boolean allow) {
            this.insecureAllowExtractableMasterKey = allow;
            return this;
        }

        /**
         * The token's PKCS#11 library, an absolute path.
         *
         * @param library the library
         * @return this builder
         */
        public Builder library(Path library) {
            this.library = Objects.requireNonNull(library, "library");
            return this;
        }

        /**
         * A SunPKCS11 configuration file (see the JDK's PKCS#11 reference guide), instead of a library.
         *
         * @param configFile the configuration file
         * @return this builder
         */
        public Builder sunPkcs11Config(Path configFile) {
            this.sunPkcs11Config = Objects.requireNonNull(configFile, "sunPkcs11Config");
            return this;
        }

        /**
         * The slot id (PKCS#11 CK_SLOT_ID) of the token.
         *
         * @param slotId the slot id
         * @return this builder
         */
        public Builder slot(long slotId) {
            this.slot = slotId;
            return this;
        }

        /**
         * The index of the token's slot in the library's slot list.
         *
         * @param index the index
         * @return this builder
         */
        public Builder slotListIndex(int index) {
            this.slotListIndex = index;
            return this;
        }

        /**
         * The user PIN; copied, so the caller wipes its own array.
         *
         * @param pin the PIN
         * @return this builder
         */
        public Builder pin(char[] pin) {
            Objects.requireNonNull(pin, "pin");
            if (this.pin != null) {
                Arrays.fill(this.pin, '\0');
            }
            this.pin = pin.clone();
            return this;
        }

        /**
         * The alias of the master key in the token; default {@value #DEFAULT_KEY_ALIAS}.
         *
         * @param keyAlias the alias
         * @return this builder
         */
        public Builder keyAlias(String keyAlias) {
            this.keyAlias = Objects.requireNonNull(keyAlias, "keyAlias");
            return this;
        }

        /**
         * Checks the settings and builds them.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the field that is missing or invalid
         */
        public Pkcs11Settings build() {
            if ((library == null) == (sunPkcs11Config == null)) {
                throw new IllegalArgumentException("Exactly one of library and sunPkcs11Config must be set.");
            }
            if (library != null && !library.isAbsolute()) {
                throw new IllegalArgumentException("library must be an absolute path, got " + library + ".");
            }
            if (library != null) {
                checkConfigValue(library.toString(), "library");
            }
            if (sunPkcs11Config != null) {
                if (!sunPkcs11Config.isAbsolute()) {
                    throw new IllegalArgumentException("sunPkcs11Config must be an absolute path.");
                }
                checkConfigValue(sunPkcs11Config.toString(), "sunPkcs11Config");
            }
            if (slot != null && slotListIndex != null) {
                throw new IllegalArgumentException("Set slot or slotListIndex, not both.");
            }
            if (sunPkcs11Config != null && (slot != null || slotListIndex != null)) {
                throw new IllegalArgumentException(
                        "slot and slotListIndex go into the sunPkcs11Config file when one is used.");
            }
            if (slot != null && slot < 0) {
                throw new IllegalArgumentException("slot must not be negative, got " + slot + ".");
            }
            if (slotListIndex != null && slotListIndex < 0) {
                throw new IllegalArgumentException("slotListIndex must not be negative, got " + slotListIndex + ".");
            }
            if (pin == null || pin.length == 0) {
                throw new IllegalArgumentException("pin must be set and not empty.");
            }
            if (!ALIAS.matcher(keyAlias).matches()) {
                throw new IllegalArgumentException("keyAlias must be 1 to 64 characters of [A-Za-z0-9._-].");
            }
            return new Pkcs11Settings(this);
        }
    }
}
