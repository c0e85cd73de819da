package io.devsec.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether and how the broker's certificate is checked for revocation during the TLS handshake,
 * through the JDK's {@link java.security.cert.PKIXRevocationChecker}. Immutable.
 *
 * <p>{@link #OFF} is the default: brokers on a private CA often publish neither CRLs nor an OCSP
 * responder, and a revocation check that cannot reach its source refuses the broker. Turn it on
 * with {@link #builder()} and give it CRLs (files or {@link X509CRL}s that the device holds, for
 * example delivered with a firmware update) and/or OCSP.
 *
 * <p>Checks are hard-fail: a certificate on the path whose status cannot be determined (no CRL
 * from its issuer, OCSP unreachable) refuses the broker unless {@link Builder#softFail} is set.
 * The trust anchor itself is never checked. A CRL is used only while it is current: after its
 * {@code nextUpdate} the status is undetermined. The JDK fetches CRLs from a certificate's
 * distribution points only when the system property {@code com.sun.security.enableCRLDP} is true.
 */
public final class RevocationSettings {
    /** No revocation checking (the default). */
    public static final RevocationSettings OFF = new RevocationSettings(false, Collections.<X509CRL>emptyList(), false,
            null, false, false);

    private final boolean enabled;
    private final List<X509CRL> crls;
    private final boolean ocsp;
    private final URI ocspResponder;
    private final boolean softFail;
    private final boolean onlyEndEntity;

    private RevocationSettings(boolean enabled, List<X509CRL> crls, boolean ocsp, URI ocspResponder, boolean softFail,
            boolean onlyEndEntity) {
        this.enabled = enabled;
        this.crls = Collections.unmodifiableList(new ArrayList<>(crls));
        this.ocsp = ocsp;
        this.ocspResponder = ocspResponder;
        this.softFail = softFail;
        this.onlyEndEntity = onlyEndEntity;
    }

    /** @return a builder for enabled revocation checking (CRLs and/or OCSP must be named) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these settings: {@code x.toBuilder().build()} equals {@code x} for enabled
     * settings, and a setter changes only its own field. From disabled settings the builder, like
     * {@link #builder()}, still needs a source.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.crls.addAll(crls);
        b.ocsp = ocsp;
        b.ocspResponder = ocspResponder;
        b.softFail = softFail;
        b.onlyEndEntity = onlyEndEntity;
        return b;
    }

    /** @return whether revocation is checked at all */
    public boolean enabled() {
        return enabled;
    }

    /** @return the CRLs the device holds, used before any network source */
    public List<X509CRL> crls() {
        return crls;
    }

    /** @return whether OCSP is asked (before the CRLs, which are then the fallback) */
    public boolean ocsp() {
        return ocsp;
    }

    /** @return the OCSP responder that overrides the certificates' AIA extension, if set */
    public Optional<URI> ocspResponder() {
        return Optional.ofNullable(ocspResponder);
    }

    /** @return whether an undetermined status (source unreachable, no CRL) lets the broker through */
    public boolean softFail() {
        return softFail;
    }

    /** @return whether only the broker's own certificate is checked, not the intermediate CAs */
    public boolean onlyEndEntity() {
        return onlyEndEntity;
    }

    /**
     * One line for status pages and the conformance statement, for example
     * {@code "CRL (1 list) then OCSP, hard-fail, whole path"} or {@code "off"}.
     *
     * @return the description
     */
    public String describe() {
        if (!enabled) {
            return "off";
        }
        StringBuilder sb = new StringBuilder();
        if (ocsp) {
            sb.append("OCSP").append(ocspResponder != null ? " (" + ocspResponder + ")" : "");
            if (!crls.isEmpty()) {
                sb.append(" then ");
            }
        }
        if (!crls.isEmpty()) {
            sb.append("CRL (").append(crls.size()).append(crls.size() == 1 ? " list)" : " lists)");
        }
        sb.append(softFail ? ", soft-fail" : ", hard-fail");
        sb.append(onlyEndEntity ? ", broker certificate only" : ", whole path");
        return sb.toString();
    }

    @Override
    public String toString() {
        return "RevocationSettings{" + describe() + "}";
    }

    /** Builder; {@link #build()} requires at least one source (a CRL or OCSP). */
    public static final class Builder {
        private final List<X509CRL> crls = new ArrayList<>();
        private boolean ocsp;
        private URI ocspResponder;
        private boolean softFail;
        private boolean onlyEndEntity;

        private Builder() {
        }

        /**
         * Adds CRLs held by the device.
         *
         * @param crls the lists, each signed by the CA whose certificates it covers
         * @return this builder
         */
        public Builder crls(Collection<X509CRL> crls) {
            for (X509CRL c : Objects.requireNonNull(crls, "crls")) {
                this.crls.add(Objects.requireNonNull(c, "crls element"));
            }
            return this;
        }

        /**
         * Adds the CRLs in a file (DER or PEM, one or more).
         *
         * @param file the CRL file
         * @return this builder
         * @throws IOException when the file cannot be read
         * @throws CRLException when the file holds no CRL or a damaged one
         */
        public Builder crlFile(Path file) throws IOException, CRLException {
            Objects.requireNonNull(file, "file");
            Collection<? extends CRL> parsed;
            try (InputStream in = Files.newInputStream(file)) {
                parsed = CertificateFactory.getInstance("X.509").generateCRLs(in);
            } catch (CertificateException e) {
                throw new CRLException("X.509 is missing from this JDK", e);
            }
            if (parsed.isEmpty()) {
                throw new CRLException("no CRL in " + file);
            }
            for (CRL c : parsed) {
                crls.add((X509CRL) c);
            }
            return this;
        }

        /**
         * Asks OCSP (the responder in each certificate's AIA extension), with the CRLs as fallback.
         *
         * @return this builder
         */
        public Builder ocsp() {
            this.ocsp = true;
            return this;
        }

        /**
         * Asks OCSP at this responder for every certificate, with the CRLs as fallback.
         *
         * @param responder the responder's URI
         * @return this builder
         */
        public Builder ocsp(URI responder) {
            this.ocsp = true;
            this.ocspResponder = Objects.requireNonNull(responder, "responder");
            return this;
        }

        /**
         * Warning: lets the broker through when its status cannot be determined; a revoked
         * certificate is still refused. Only where the revocation source is known to be unreliable.
         *
         * @return this builder
         */
        public Builder softFail() {
            this.softFail = true;
            return this;
        }

        /**
         * Checks only the broker's certificate, not the intermediate CAs (for a CA whose root
         * publishes no CRL for its intermediates).
         *
         * @return this builder
         */
        public Builder onlyEndEntity() {
            this.onlyEndEntity = true;
            return this;
        }

        /**
         * @return the settings
         * @throws IllegalArgumentException when neither a CRL nor OCSP was given
         */
        public RevocationSettings build() {
            if (crls.isEmpty() && !ocsp) {
                throw new IllegalArgumentException("revocation needs a source: give CRLs or turn on OCSP");
            }
            return new RevocationSettings(true, crls, ocsp, ocspResponder, softFail, onlyEndEntity);
        }
    }
}
