package io.devsec.core;

import io.devsec.core.conformance.ConformanceFacts;
import io.devsec.core.conformance.Evidence;
import io.devsec.core.conformance.EvidenceSink;
import io.devsec.core.conformance.Mechanism;
import io.devsec.core.events.EventAdapters;
import io.devsec.core.events.SecurityEvent;
import io.devsec.core.events.SecurityEvents;
import io.devsec.core.privacy.ConsentGate;
import io.devsec.core.privacy.ConsentRecord;
import io.devsec.core.privacy.ConsentRegistry;
import io.devsec.core.privacy.ConsentState;
import io.devsec.core.privacy.CorruptPersonalDataException;
import io.devsec.core.privacy.DataUseStatement;
import io.devsec.core.privacy.PersonalDataStore;
import io.devsec.core.privacy.PersonalDataWipe;
import io.devsec.core.privacy.Purpose;
import io.devsec.core.privacy.WipeAction;
import io.devsec.core.privacy.WipeIncompleteException;
import io.devsec.core.privacy.WipeReceipt;
import io.devsec.core.surface.AttackSurfaceReport;
import io.devsec.core.validation.JsonLimits;
import io.devsec.core.validation.MessageSchemas;
import io.devsec.core.validation.Rules;
import io.devsec.core.validation.Schema;
import io.devsec.core.validation.ValidationException;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.Qos;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's personal data (provisions 4.8 and 4.11): the purposes, the consent registry, the encrypted
 * personal data store, the consent gate of personal telemetry and the wipe. Owns the keystore entries under
 * {@value #PREFIX}, plus the one entry another part lends it to destroy in the wipe's crypto-erase batch (the
 * outbox key: queued messages may carry personal data), and its own lock.
 */
final class PrivacyPart {

    /** Made on first use: a normal start logs nothing, so it never initialises SLF4J. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(DeviceSecurity.class);
    }

    static final String PREFIX = "privacy/";

    private final Object lock = new Object();
    private final KeystoreSlice keystore;
    private final List<String> erasedWith;
    private final List<Purpose> purposes;
    private final Schema consentSchema;
    private final SecurityEvents events;
    private final DeviceIdentity identity;
    private final String productName;
    private final Clock clock;
    private final SecureRandom random;
    private final Path dataFolder;
    private final AtomicReference<DeviceMqttClient> personalSink = new AtomicReference<>();
    /** Guarded by lock; opened once at start. */
    private ConsentRegistry consents;
    private PersonalDataStore personalData;
    private ConsentGate gate;

    /**
     * @param erasedWith exact entry names of other parts destroyed in the wipe's crypto-erase batch
     */
    PrivacyPart(Keystore keystore, List<String> erasedWith, List<Purpose> purposes, SecurityEvents events,
            DeviceIdentity identity, String productName, Clock clock, SecureRandom random, Path dataFolder) {
        List<String> prefixes = new ArrayList<>();
        prefixes.add(PREFIX);
        prefixes.addAll(erasedWith);
        this.keystore = new KeystoreSlice(keystore, prefixes.toArray(new String[0]));
        this.erasedWith = Collections.unmodifiableList(new ArrayList<>(erasedWith));
        this.purposes = Collections.unmodifiableList(new ArrayList<>(purposes));
        this.consentSchema = this.purposes.isEmpty() ? null : consentSchema(this.purposes);
        this.events = Objects.requireNonNull(events, "events");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.productName = Objects.requireNonNull(productName, "productName");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.dataFolder = Objects.requireNonNull(dataFolder, "dataFolder");
    }

    /** Opens the personal data store and, with purposes, the consent records. */
    void start() throws IOException, KeystoreException {
        synchronized (lock) {
            personalData = PersonalDataStore.open(dataFolder, keystore, random);
            if (!purposes.isEmpty()) {
                try {
                    consents = ConsentRegistry.open(keystore, purposes, clock);
                } catch (CorruptPersonalDataException e) {
                    events.record(SecurityEvent.Type.INTEGRITY_FAILURE, SecurityEvent.Source.CORE,
                            Collections.singletonMap("item", "consents"));
                    CorruptKeystoreException c = new CorruptKeystoreException("The stored consent records are unreadable.");
                    c.initCause(e);
                    throw c;
                }
            }
        }
    }

    /** A factory reset keeps nothing of the personal data (it was wiped first). */
    boolean keepsOnReset(String name) {
        return false;
    }

    List<Purpose> purposes() {
        return purposes;
    }

    /** The consent message schema, when purposes are configured. */
    Optional<Schema> consentMessageSchema() {
        return Optional.ofNullable(consentSchema);
    }

    private static Schema consentSchema(List<Purpose> purposes) {
        List<String> ids = new ArrayList<>();
        for (Purpose p : purposes) {
            ids.add(p.id());
        }
        return Schema.of(Rules.object()
                .required("purpose", Rules.oneOf(ids))
                .required("decision", Rules.oneOf("grant", "withdraw"))
                .optional("id", Rules.pattern(MessageSchemas.COMMAND_ID_PATTERN, 64))
                .build(), JsonLimits.builder().maxDocumentBytes(1024).maxDepth(2).build());
    }

    /** The consent registry, when purposes are configured. */
    Optional<ConsentRegistry> consents() {
        synchronized (lock) {
            return Optional.ofNullable(consents);
        }
    }

    /** See {@link DeviceSecurity#applyConsentMessage}. */
    Optional<ConsentRecord> applyConsentMessage(byte[] payload) throws ValidationException, IOException, KeystoreException {
        Objects.requireNonNull(payload, "payload");
        if (consentSchema == null) {
            return Optional.empty();
        }
        io.devsec.core.validation.JsonValue message;
        try {
            message = consentSchema.parse(payload);
        } catch (ValidationException e) {
            EventAdapters.invalidInput(events, SecurityEvent.Source.CORE, "consent", e);
            throw e;
        }
        ConsentRegistry registry = consents().get();
        String purpose = message.get("purpose").get().asString();
        return Optional.of("grant".equals(message.get("decision").get().asString()) ? registry.grant(purpose)
                : registry.withdraw(purpose));
    }

    PersonalDataStore personalData() {
        synchronized (lock) {
            return personalData;
        }
    }

    /** See {@link DeviceSecurity#personalTelemetry}; empty when no purpose is configured. */
    Optional<PersonalTelemetry> personalTelemetry(DeviceMqttClient client) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(client, "client");
        synchronized (lock) {
            if (consents == null) {
                return Optional.empty();
            }
            personalSink.set(client);
            if (gate == null) {
                gate = ConsentGate.builder().registry(consents).store(personalData).releaseSink((purpose, topic, payload) -> {
                    DeviceMqttClient sink = personalSink.get();
                    if (sink == null) {
                        throw new IOException("no MQTT client for personal telemetry");
                    }
                    try {
                        sink.publish(topic, payload, Qos.AT_LEAST_ONCE);
                    } catch (io.devsec.transport.TopicOutsideNamespaceException e) {
                        throw new IOException("the client refused held personal telemetry: " + e.getClass().getSimpleName(), e);
                    }
                }).build();
            }
            return Optional.of(new PersonalTelemetry(gate, client));
        }
    }

    /** A client was closed: held telemetry no longer goes to it. */
    void clientClosed(DeviceMqttClient client) {
        personalSink.compareAndSet(client, null);
    }

    /** See {@link DeviceSecurity#dataUseStatement()}; empty when no purpose is configured. */
    Optional<DataUseStatement> dataUseStatement() {
        synchronized (lock) {
            return consents == null ? Optional.<DataUseStatement>empty()
                    : Optional.of(DataUseStatement.of(productName, consents));
        }
    }

    /**
     * See {@link DeviceSecurity#wipePersonalData()}.
     *
     * @param outbox the {@code "outbox"} step (closes the MQTT clients and deletes their outboxes)
     */
    WipeReceipt wipe(WipeAction outbox) throws WipeIncompleteException {
        PersonalDataWipe wipe;
        synchronized (lock) {
            PersonalDataWipe.Builder b = PersonalDataWipe.builder().store(personalData).clock(clock);
            for (String entry : erasedWith) {
                b.keystoreEntry(entry);
            }
            b.action("outbox", outbox);
            if (consents != null) {
                b.consentRegistry(consents);
            }
            if (gate != null) {
                b.consentGate(gate);
            }
            wipe = b.build();
        }
        try {
            WipeReceipt receipt = wipe.wipe();
            events.record(SecurityEvent.Type.OTHER, SecurityEvent.Source.CORE,
                    Collections.singletonMap("detail", "personal data wiped"));
            Log.LOG.warn("Personal data of device {} wiped: {} files, {} keys destroyed", identity.deviceId(),
                    receipt.filesRemoved(), receipt.keysDestroyed().size());
            return receipt;
        } catch (WipeIncompleteException e) {
            events.record(SecurityEvent.Type.OTHER, SecurityEvent.Source.CORE,
                    Collections.singletonMap("detail", "personal data wipe incomplete"));
            throw e;
        }
    }

    void close() {
        personalSink.set(null);
    }

    // ------------------------------------------------------------------ status, surface and conformance

    /** The privacy line of the health check. */
    void contributeStatus(StatusFindings findings) {
        ConsentRegistry registry = consents().orElse(null);
        if (registry == null) {
            findings.ok("privacy", "No personal data purposes configured");
        } else {
            int granted = 0;
            for (ConsentRecord r : registry.records()) {
                if (r.state() == ConsentState.GRANTED) {
                    granted++;
                }
            }
            findings.ok("privacy", purposes.size() + " personal data purpose(s), "
                    + granted + " with consent; personal data is held until the consumer consents");
        }
    }

    /** The consent feature of the attack surface. */
    void contributeSurface(AttackSurfaceReport.Builder b) {
        if (consents().isPresent()) {
            List<String> ids = new ArrayList<>();
            for (Purpose p : purposes) {
                ids.add(p.id());
            }
            b.feature("consent", "personal data only with consent, purposes " + ids);
        }
    }

    /** The evidence of consent, the data use statement, gated telemetry and the wipe. */
    void contributeFacts(ConformanceFacts.Builder typed, EvidenceSink sink) throws IOException {
        synchronized (lock) {
            List<String> ids = new ArrayList<>();
            for (Purpose p : purposes) {
                ids.add(p.id());
            }
            typed.consentPurposes(ids);
            if (consents == null || ids.isEmpty()) {
                String why = "no consent purposes are configured";
                sink.add(Mechanism.CONSENT_REGISTRY, Evidence.notAssessed(Mechanism.CONSENT_REGISTRY, why));
                sink.add(Mechanism.DATA_USE_STATEMENT, Evidence.notAssessed(Mechanism.DATA_USE_STATEMENT, why));
                sink.add(Mechanism.CONSENT_GATED_TELEMETRY, Evidence.notAssessed(Mechanism.CONSENT_GATED_TELEMETRY, why));
            } else {
                sink.add(Mechanism.CONSENT_REGISTRY, Evidence.configured(Mechanism.CONSENT_REGISTRY, true,
                        "ConsentRegistry for purposes " + String.join(", ", ids) + ": explicit grant and withdrawal,"
                                + " recorded encrypted with their time"));
                sink.add(Mechanism.DATA_USE_STATEMENT, Evidence.configured(Mechanism.DATA_USE_STATEMENT, true,
                        "DataUseStatement states what, by whom and why for purposes " + String.join(", ", ids)));
                sink.add(Mechanism.CONSENT_GATED_TELEMETRY, gate != null
                        ? Evidence.configured(Mechanism.CONSENT_GATED_TELEMETRY, true,
                                "personal telemetry goes through the consent gate and is held until consent")
                        : Evidence.notAssessed(Mechanism.CONSENT_GATED_TELEMETRY,
                                "no personal telemetry was sent through DeviceSecurity.personalTelemetry in this process"));
            }
            PersonalDataStore store = personalData;
            if (store == null) {
                sink.add(Mechanism.PERSONAL_DATA_WIPE, Evidence.observed(Mechanism.PERSONAL_DATA_WIPE, false,
                        "no personal data store is open"));
                return;
            }
            Set<String> names = store.names();
            boolean key = keystore.contains(PersonalDataStore.KEY_ENTRY);
            boolean ok = names.isEmpty() || key;
            sink.add(Mechanism.PERSONAL_DATA_WIPE, Evidence.observed(Mechanism.PERSONAL_DATA_WIPE, ok, ok
                    ? "personal data store holds " + names.size() + " item(s)" + (key ? " sealed under a keystore key ("
                            + PersonalDataStore.KEY_ENTRY + "), so wipePersonalData() erases them by destroying the key"
                            : "") + "; the wipe returns a receipt"
                    : names.size() + " personal data item(s) lie on disk without their key in the keystore: a wipe"
                            + " cannot be confirmed by crypto-erase"));
        }
    }
}
