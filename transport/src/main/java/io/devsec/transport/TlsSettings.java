package io.devsec.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How DevSec speaks TLS: protocol versions, cipher suites, optional public key pins and the
 * handshake timeout, and whether the broker's certificate is checked for revocation
 * ({@link RevocationSettings}, off by default). Immutable.
 *
 * <p>{@link #MODERN} is the default and the only preset: TLS 1.3 and 1.2, AEAD suites with
 * forward secrecy (ECDHE), no pins. Host name verification is always on and cannot be turned off.
 * A protocol or suite outside the modern lists must be asked for through
 * {@link Builder#insecureAllowLegacyProtocolsAndSuites}, which says what it does.
 */
public final class TlsSettings {
    /** TLS 1.3 and 1.2 only. */
    public static final List<String> MODERN_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** AEAD suites only: TLS 1.3 suites and ECDHE with AES-GCM or ChaCha20-Poly1305 for TLS 1.2. */
    public static final List<String> MODERN_CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** TLS 1.3 and 1.2, AEAD ECDHE suites, no pins, 10 s handshake timeout. */
    public static final TlsSettings MODERN = builder().build();

    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final List<PublicKeyPin> pins;
    private final Duration handshakeTimeout;
    private final boolean legacyAllowed;
    private final RevocationSettings revocation;

    private TlsSettings(Builder b) {
        this.protocols = List.copyOf(b.protocols);
        this.cipherSuites = List.copyOf(b.cipherSuites);
        this.pins = List.copyOf(b.pins);
        this.handshakeTimeout = b.handshakeTimeout;
        this.legacyAllowed = b.legacyAllowed;
        this.revocation = b.revocation;
    }

    /**
     * A builder starting from the modern defaults ({@link #MODERN_PROTOCOLS}, {@link #MODERN_CIPHER_SUITES}, no pins, 10 s handshake timeout).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.protocols = new ArrayList<>(protocols);
        b.cipherSuites = new ArrayList<>(cipherSuites);
        b.pins = new LinkedHashSet<>(pins);
        b.handshakeTimeout = handshakeTimeout;
        b.legacyAllowed = legacyAllowed;
        b.revocation = revocation;
        return b;
    }

    /**
     * Enabled protocol versions, most preferred first.
     *
     * @return the protocol names
     */
    public List<String> protocols() {
        return protocols;
    }

    /**
     * Enabled cipher suites, most preferred first (those the JDK lacks are skipped at runtime).
     *
     * @return the suite names
     */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /**
     * Public key pins; empty means no pinning (the trust anchors alone decide).
     *
     * @return the pins
     */
    public List<PublicKeyPin> pins() {
        return pins;
    }

    /**
     * How long the TCP connect and the TLS handshake may each take before the connection fails.
     *
     * @return the timeout
     */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * How the broker's certificate is checked for revocation; {@link RevocationSettings#OFF} unless
     * {@link Builder#revocation} was set.
     *
     * @return the revocation settings
     */
    public RevocationSettings revocation() {
        return revocation;
    }

    /**
     * Whether {@link Builder#insecureAllowLegacyProtocolsAndSuites} was used.
     *
     * @return true when legacy protocols and cipher suites were allowed
     */
    public boolean insecureLegacyAllowed() {
        return legacyAllowed;
    }

    @Override
    public String toString() {
        return "TlsSettings{protocols=" + protocols + ", cipherSuites=" + cipherSuites.size() + " suites, pins=" + pins
                + ", revocation=" + revocation.describe()
                + ", handshakeTimeout=" + handshakeTimeout + (legacyAllowed ? ", INSECURE legacy allowed" : "") + "}";
    }

    /** Validating builder; {@link #build()} names the bad field. */
    public static final class Builder {
        private List<String> protocols = new ArrayList<>(MODERN_PROTOCOLS);
        private List<String> cipherSuites = new ArrayList<>(MODERN_CIPHER_SUITES);
        private Set<PublicKeyPin> pins = new LinkedHashSet<>();
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private boolean legacyAllowed;
        private RevocationSettings revocation = RevocationSettings.OFF;

        private Builder() {
        }

        /**
         * Restricts the protocol versions; each must be TLSv1.3 or TLSv1.2 unless legacy is allowed.
         *
         * @param protocols the protocol names, most preferred first
         * @return this builder
         */
        public Builder protocols(String... protocols) {
            this.protocols = new ArrayList<>(Arrays.asList(protocols));
            return this;
        }

        /**
         * Restricts the cipher suites; each must be in {@link #MODERN_CIPHER_SUITES} unless legacy is allowed.
         *
         * @param suites the suite names, most preferred first
         * @return this builder
         */
        public Builder cipherSuites(String... suites) {
            this.cipherSuites = new ArrayList<>(Arrays.asList(suites));
            return this;
        }

        /**
         * Adds public key pins: a peer whose validated path (leaf to trust anchor) carries none of them is
         * refused.
         *
         * @param pins the pins to add
         * @return this builder
         */
        public Builder pins(Collection<PublicKeyPin> pins) {
            for (PublicKeyPin p : pins) {
                this.pins.add(Objects.requireNonNull(p, "pins element"));
            }
            return this;
        }

        /**
         * Adds one public key pin: a peer whose chain matches no pin is refused.
         *
         * @param pin the pin to add
         * @return this builder
         */
        public Builder pin(PublicKeyPin pin) {
            this.pins.add(Objects.requireNonNull(pin, "pin"));
            return this;
        }

        /**
         * Checks the broker's certificate path for revocation (CRLs the device holds, OCSP) during
         * the handshake; off by default.
         *
         * @param revocation the revocation settings, {@link RevocationSettings#OFF} to turn it off
         * @return this builder
         */
        public Builder revocation(RevocationSettings revocation) {
            this.revocation = Objects.requireNonNull(revocation, "revocation");
            return this;
        }

        /**
         * Sets how long the TCP connect and the TLS handshake may each take.
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = Objects.requireNonNull(timeout, "handshakeTimeout");
            return this;
        }

        /**
         * Warning: allows protocol versions below TLS 1.2 and suites without AEAD or forward
         * secrecy in {@link #protocols} and {@link #cipherSuites}. Only for a legacy peer that
         * cannot be upgraded; the JDK's own {@code jdk.tls.disabledAlgorithms} still applies.
         *
         * @return this builder
         */
        public Builder insecureAllowLegacyProtocolsAndSuites() {
            this.legacyAllowed = true;
            return this;
        }

        /**
         * Checks the settings and builds them.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the field that is empty or not allowed
         */
        public TlsSettings build() {
            if (protocols.isEmpty()) {
                throw new IllegalArgumentException("protocols must not be empty");
            }
            if (cipherSuites.isEmpty()) {
                throw new IllegalArgumentException("cipherSuites must not be empty");
            }
            for (String p : protocols) {
                Objects.requireNonNull(p, "protocols element");
                if (!legacyAllowed && !MODERN_PROTOCOLS.contains(p)) {
                    throw new IllegalArgumentException("protocols: " + p
                            + " is not TLSv1.3 or TLSv1.2; use insecureAllowLegacyProtocolsAndSuites() to allow it");
                }
            }
            for (String s : cipherSuites) {
                Objects.requireNonNull(s, "cipherSuites element");
                if (!legacyAllowed && !MODERN_CIPHER_SUITES.contains(s)) {
                    throw new IllegalArgumentException("cipherSuites: " + s
                            + " is not an AEAD ECDHE suite; use insecureAllowLegacyProtocolsAndSuites() to allow it");
                }
            }
            if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
                throw new IllegalArgumentException("handshakeTimeout must be positive");
            }
            protocols = new ArrayList<>(new LinkedHashSet<>(protocols));
            cipherSuites = new ArrayList<>(new LinkedHashSet<>(cipherSuites));
            return new TlsSettings(this);
        }
    }

}
