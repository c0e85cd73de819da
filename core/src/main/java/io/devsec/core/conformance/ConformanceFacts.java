package io.devsec.core.conformance;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The evidence a device's parts report about the mechanisms they own, plus the few typed facts the statement
 * needs (disclosure policy expiry, consent purposes): the input of {@link ConformanceStatement#generate}.
 *
 * <p>Every {@link Mechanism} starts {@link EvidenceClass#NOT_ASSESSED}: a part that reports nothing leaves its
 * rows not assessed, never supported. Parts add evidence through the {@link Builder}, which is an
 * {@link EvidenceSink}. Holds no secret: only kinds, counts, names and settings.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConformanceFacts {

    /** The state of the check of the installed software against its signed metadata. */
    public enum IntegrityCheck {
        /** No integrity check is configured. */
        NOT_CONFIGURED,
        /** Configured but has not run yet in this process. */
        NOT_YET_RUN,
        /** Configured, but no signed metadata is known for the running image. */
        UNVERIFIABLE,
        /** The installed software matched its signed metadata. */
        PASSED,
        /** The installed software did not match its signed metadata. */
        FAILED
    }

    private final String productName;
    private final String deviceId;
    private final Optional<String> serialNumber;
    private final Map<Mechanism, Evidence> evidence;
    private final List<String> disclosureContacts;
    private final Optional<Instant> disclosurePolicyExpires;
    private final Optional<String> disclosurePolicyUrl;
    private final List<String> consentPurposes;
    private final IntegrityCheck integrityCheck;
    private final Optional<LocalDate> supportUntil;
    private final List<String> insecureOptions;
    private final Optional<String> offlineReason;

    private ConformanceFacts(Builder b) {
        productName = b.productName;
        deviceId = b.deviceId;
        serialNumber = b.serialNumber;
        Map<Mechanism, Evidence> m = new EnumMap<>(Mechanism.class);
        for (Mechanism x : Mechanism.values()) {
            Evidence e = b.evidence.get(x);
            m.put(x, e != null ? e : Evidence.notAssessed(x, "no part of the SDK reported evidence for it"));
        }
        evidence = Collections.unmodifiableMap(m);
        disclosureContacts = copy(b.disclosureContacts);
        disclosurePolicyExpires = b.disclosurePolicyExpires;
        disclosurePolicyUrl = b.disclosurePolicyUrl;
        consentPurposes = copy(b.consentPurposes);
        integrityCheck = b.integrityCheck;
        supportUntil = b.supportUntil;
        insecureOptions = copy(b.insecureOptions);
        offlineReason = b.offlineReason;
    }

    private static List<String> copy(Collection<String> list) {
        return Collections.unmodifiableList(new ArrayList<>(list));
    }

    /**
     * Starts the facts of one device: every mechanism starts not assessed.
     *
     * @param productName the product name shown in the statement's header
     * @param deviceId the device id
     * @return a builder
     */
    public static Builder builder(String productName, String deviceId) {
        return new Builder(productName, deviceId);
    }

    /**
     * A builder holding these facts, to add or replace evidence.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(productName, deviceId);
        b.serialNumber = serialNumber;
        b.evidence.putAll(evidence);
        b.disclosureContacts.addAll(disclosureContacts);
        b.disclosurePolicyExpires = disclosurePolicyExpires;
        b.disclosurePolicyUrl = disclosurePolicyUrl;
        b.consentPurposes.addAll(consentPurposes);
        b.integrityCheck = integrityCheck;
        b.supportUntil = supportUntil;
        b.insecureOptions.addAll(insecureOptions);
        b.offlineReason = offlineReason;
        return b;
    }

    /**
     * These facts as a tool that reads only the data folder (and the configuration file) sees them: every
     * mechanism visible only in the running process ({@link Visibility#PROCESS}) becomes not assessed, with the
     * reason. What the data folder shows is kept unchanged, so offline and online rows agree on it.
     *
     * @return the offline view
     */
    public ConformanceFacts offlineView() {
        return offlineView(true);
    }

    /**
     * As {@link #offlineView()}; without the configuration file, the mechanisms it configures
     * ({@link Visibility#CONFIGURATION}) are not assessed either.
     *
     * @param configurationGiven whether the device's configuration file was given
     * @return the offline view
     */
    public ConformanceFacts offlineView(boolean configurationGiven) {
        Builder b = toBuilder();
        for (Mechanism m : Mechanism.values()) {
            if (m.visibility() == Visibility.PROCESS) {
                b.evidence.put(m, Evidence.notAssessed(m, "visible only in the running application (owned by "
                        + m.part() + "); a data folder does not show it"));
            } else if (m.visibility() == Visibility.CONFIGURATION && !configurationGiven) {
                b.evidence.put(m, Evidence.notAssessed(m, "set by the device's configuration file, which was not"
                        + " given"));
            }
        }
        b.integrityCheck = IntegrityCheck.NOT_CONFIGURED;
        b.supportUntil = Optional.empty();
        b.offlineReason = Optional.of("generated from a data folder, not by the running application");
        return b.build();
    }

    /** @return the product name for the header */
    public String productName() {
        return productName;
    }

    /** @return the device id for the header */
    public String deviceId() {
        return deviceId;
    }

    /** @return the serial number from the provisioning record, if any */
    public Optional<String> serialNumber() {
        return serialNumber;
    }

    /**
     * The evidence for one mechanism.
     *
     * @param mechanism the mechanism
     * @return its evidence; not assessed when no part reported any
     */
    public Evidence evidence(Mechanism mechanism) {
        return evidence.get(Objects.requireNonNull(mechanism, "mechanism"));
    }

    /** @return the evidence of every mechanism, in declaration order; unmodifiable */
    public Map<Mechanism, Evidence> evidence() {
        return evidence;
    }

    /** @return the disclosure policy's contacts (URIs); empty when no policy is configured */
    public List<String> disclosureContacts() {
        return disclosureContacts;
    }

    /** @return when the configured disclosure policy expires */
    public Optional<Instant> disclosurePolicyExpires() {
        return disclosurePolicyExpires;
    }

    /** @return the configured disclosure policy URL */
    public Optional<String> disclosurePolicyUrl() {
        return disclosurePolicyUrl;
    }

    /** @return the registered consent purposes */
    public List<String> consentPurposes() {
        return consentPurposes;
    }

    /** @return the state of the installed-software check in this run */
    public IntegrityCheck integrityCheck() {
        return integrityCheck;
    }

    /** @return the support-until date carried by the signed update metadata, if an update agent reported one */
    public Optional<LocalDate> supportUntil() {
        return supportUntil;
    }

    /** @return whether signed updates hold (a trusted root is on the device) */
    public boolean updatesConfigured() {
        return evidence(Mechanism.UPDATE_SIGNED).holds();
    }

    /** @return the insecure opt-ins in use */
    public List<String> insecureOptions() {
        return insecureOptions;
    }

    /** @return why these facts are an offline view, when they are */
    public Optional<String> offlineReason() {
        return offlineReason;
    }

    @Override
    public String toString() {
        return "ConformanceFacts{deviceId=" + deviceId + ", evidence=" + evidence.size() + "}";
    }

    /** Builds {@link ConformanceFacts}; the parts of the SDK add their evidence to it. Not thread-safe. */
    public static final class Builder implements EvidenceSink {
        private final String productName;
        private final String deviceId;
        private Optional<String> serialNumber = Optional.empty();
        private final Map<Mechanism, Evidence> evidence = new EnumMap<>(Mechanism.class);
        private final List<String> disclosureContacts = new ArrayList<>();
        private Optional<Instant> disclosurePolicyExpires = Optional.empty();
        private Optional<String> disclosurePolicyUrl = Optional.empty();
        private final List<String> consentPurposes = new ArrayList<>();
        private IntegrityCheck integrityCheck = IntegrityCheck.NOT_CONFIGURED;
        private Optional<LocalDate> supportUntil = Optional.empty();
        private final List<String> insecureOptions = new ArrayList<>();
        private Optional<String> offlineReason = Optional.empty();

        private Builder(String productName, String deviceId) {
            this.productName = Objects.requireNonNull(productName, "productName");
            this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        }

        @Override
        public void add(Mechanism mechanism, Evidence e) {
            Objects.requireNonNull(mechanism, "mechanism");
            Objects.requireNonNull(e, "evidence");
            if (!e.subject().equals(mechanism.name()) || e.evidenceClass() == EvidenceClass.DECLARED) {
                throw new IllegalArgumentException("Evidence " + e + " is not SDK evidence for " + mechanism);
            }
            evidence.put(mechanism, e);
        }

        /**
         * Adds evidence (the fluent form of {@link #add}).
         *
         * @param mechanism the mechanism
         * @param e its evidence
         * @return this builder
         */
        public Builder evidence(Mechanism mechanism, Evidence e) {
            add(mechanism, e);
            return this;
        }

        /**
         * @param serial the serial number from the provisioning record
         * @return this builder
         */
        public Builder serialNumber(String serial) {
            this.serialNumber = Optional.of(serial);
            return this;
        }

        /**
         * The configured disclosure policy.
         *
         * @param contacts its contacts (URIs)
         * @param expires when it expires
         * @return this builder
         */
        public Builder disclosurePolicy(List<String> contacts, Instant expires) {
            disclosureContacts.clear();
            disclosureContacts.addAll(contacts);
            disclosurePolicyExpires = Optional.of(expires);
            return this;
        }

        /**
         * @param url the disclosure policy's URL
         * @return this builder
         */
        public Builder disclosurePolicyUrl(String url) {
            disclosurePolicyUrl = Optional.of(url);
            return this;
        }

        /**
         * @param purposes the registered consent purposes
         * @return this builder
         */
        public Builder consentPurposes(List<String> purposes) {
            consentPurposes.clear();
            consentPurposes.addAll(purposes);
            return this;
        }

        /**
         * @param check the state of the installed-software check
         * @return this builder
         */
        public Builder integrityCheck(IntegrityCheck check) {
            integrityCheck = Objects.requireNonNull(check, "check");
            return this;
        }

        /**
         * @param date the support-until date from the signed update metadata
         * @return this builder
         */
        public Builder supportUntil(LocalDate date) {
            supportUntil = Optional.of(date);
            return this;
        }

        /**
         * @param option an insecure opt-in in use, e.g. "TlsSettings.insecureLegacy"
         * @return this builder
         */
        public Builder insecureOption(String option) {
            insecureOptions.add(option);
            return this;
        }

        /** @return the facts */
        public ConformanceFacts build() {
            return new ConformanceFacts(this);
        }
    }
}
