package io.devsec.core;

import io.devsec.core.conformance.ConformanceContributor;
import io.devsec.core.conformance.ConformanceFacts;
import io.devsec.core.conformance.Evidence;
import io.devsec.core.conformance.EvidenceSink;
import io.devsec.core.conformance.Mechanism;
import io.devsec.core.disclosure.DisclosurePolicy;
import io.devsec.core.internal.Identity;
import io.devsec.core.privacy.PersonalDataStore;
import io.devsec.core.privacy.Purpose;
import io.devsec.core.surface.AttackSurfaceReport;
import io.devsec.core.surface.ListeningSocket;
import io.devsec.core.surface.ListeningSockets;
import io.devsec.storage.MasterKeySource;
import io.devsec.transport.ReconnectPolicy;
import io.devsec.transport.TlsSettings;
import io.devsec.update.UpdateAgent;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Collects {@link DeviceSecurity#conformanceFacts()} by asking one {@link ConformanceContributor} per part of the
 * device (credentials, disclosure, update, storage, transport, surface, privacy, events, validation). Each
 * contributor reads only its part's live state and reports what it observed, what its settings configure, or
 * that it could not assess a mechanism; nothing here is a constant "yes".
 *
 * <p>This is the adapter for today's single facade: when the parts become separate objects, each implements
 * {@link ConformanceContributor} itself and this class only iterates over them.
 */
final class ConformanceFactsCollector {

    private ConformanceFactsCollector() {}

    /**
     * The facts of {@code facade}'s live state; called with the facade lock held, on an open facade.
     *
     * @param surface the attack surface report taken just before (outside the lock)
     */
    static ConformanceFacts collect(DeviceSecurity facade, AttackSurfaceReport surface)
            throws IOException, GeneralSecurityException {
        ConformanceFacts.Builder f = ConformanceFacts.builder(facade.productName, facade.deviceId);
        facade.serialNumber.ifPresent(f::serialNumber);
        for (ConformanceContributor c : contributors(facade, surface, f)) {
            c.contribute(f);
        }
        return f.build();
    }

    /** The contributors of the facade's parts, in a fixed order. */
    static List<ConformanceContributor> contributors(DeviceSecurity facade, AttackSurfaceReport surface,
            ConformanceFacts.Builder typed) {
        return Arrays.asList(
                sink -> credentials(facade, sink),
                sink -> disclosure(facade, typed, sink),
                sink -> updates(facade, typed, sink),
                sink -> storage(facade, typed, sink),
                sink -> transport(facade, typed, sink),
                sink -> surface(surface, sink),
                sink -> privacy(facade, typed, sink),
                sink -> events(facade, sink));
    }

    // ------------------------------------------------------------------ credentials

    private static void credentials(DeviceSecurity facade, EvidenceSink sink) throws IOException,
            GeneralSecurityException {
        Optional<byte[]> hash = facade.keystore.secret(DeviceSecurity.PASSWORD);
        Optional<byte[]> origin = facade.keystore.secret(DeviceSecurity.PASSWORD_ORIGIN);
        if (hash.isPresent() && origin.isPresent() && origin.get().length == 1) {
            String from;
            switch (DeviceSecurity.PasswordOrigin.of(origin.get()[0])) {
                case USER:
                    from = "changed by the user after a per-device start value";
                    break;
                case LABEL:
                    from = "generated per device at the factory for the label (provisioning record)";
                    break;
                default:
                    from = "generated on this device at first start from SecureRandom";
                    break;
            }
            sink.add(Mechanism.PASSWORD_UNIQUE, Evidence.observed(Mechanism.PASSWORD_UNIQUE, true,
                    "the keystore holds this device's own password hash, " + from));
        } else {
            sink.add(Mechanism.PASSWORD_UNIQUE, Evidence.observed(Mechanism.PASSWORD_UNIQUE, false,
                    "no password hash with its origin in the keystore (entries " + DeviceSecurity.PASSWORD + ", "
                            + DeviceSecurity.PASSWORD_ORIGIN + ")"));
        }
        String phc = hash.map(h -> new String(h, StandardCharsets.US_ASCII)).orElse("");
        hash.ifPresent(h -> Arrays.fill(h, (byte) 0));
        if (phc.startsWith("$argon2id$v=19$m=")) {
            String params = phc.substring("$argon2id$v=19$".length()).split("\\$")[0];
            sink.add(Mechanism.PASSWORD_HASHING, Evidence.observed(Mechanism.PASSWORD_HASHING, true,
                    "stored password is an Argon2id hash (" + params + "), compared in constant time"));
        } else {
            sink.add(Mechanism.PASSWORD_HASHING, Evidence.observed(Mechanism.PASSWORD_HASHING, false,
                    hash.isPresent() ? "the stored password is not an Argon2id hash" : "no stored password hash"));
        }
        sink.add(Mechanism.PASSWORD_CHANGE, Evidence.configured(Mechanism.PASSWORD_CHANGE, true,
                "DeviceSecurity.changePassword checks new passwords with " + facade.passwordPolicy));
        boolean persisted = facade.keystore.contains(DeviceSecurity.LOGIN_STATE);
        String throttle = "login throttled after " + facade.throttle.freeFailures() + " free failure(s), delays "
                + facade.throttle.initialDelay() + " to " + facade.throttle.maxDelay() + ", locked after "
                + facade.throttle.maxFailures() + " consecutive failures";
        sink.add(Mechanism.LOGIN_THROTTLE, persisted
                ? Evidence.observed(Mechanism.LOGIN_THROTTLE, true, throttle + "; failure count persisted in the"
                        + " keystore (" + DeviceSecurity.LOGIN_STATE + " present)")
                : Evidence.configured(Mechanism.LOGIN_THROTTLE, true, throttle + "; no failure count in the"
                        + " keystore, so its persistence is not observed"));
        sink.add(Mechanism.FACTORY_RESET_PASSWORD, Evidence.notAssessed(Mechanism.FACTORY_RESET_PASSWORD,
                "DeviceSecurity.factoryReset sets a new random password, but no reset was observed on this device;"
                        + " exercise it on a twin device"));
        boolean keyPresent = facade.keystore.contains(DeviceSecurity.KEY);
        boolean matches = facade.chain != null && !facade.chain.isEmpty()
                && facade.chain.get(0).getPublicKey().equals(facade.publicKey);
        sink.add(Mechanism.IDENTITY_KEY, Evidence.observed(Mechanism.IDENTITY_KEY, keyPresent && matches,
                keyPresent && matches ? "per-device identity key in the keystore (" + DeviceSecurity.KEY
                        + "), matching the certificate; device id " + facade.deviceId + " derived from it"
                        : !keyPresent ? "no identity key in the keystore"
                        : "the certificate does not match the identity key"));
        boolean issued = facade.chain != null && !facade.chain.isEmpty() && !Identity.isSelfSigned(facade.chain.get(0));
        sink.add(Mechanism.CERTIFICATE_ISSUED, Evidence.observed(Mechanism.CERTIFICATE_ISSUED, issued,
                issued ? "identity certificate issued by " + facade.chain.get(0).getIssuerX500Principal().getName()
                        : "identity certificate is still self-signed"));
    }

    // ------------------------------------------------------------------ disclosure

    private static void disclosure(DeviceSecurity facade, ConformanceFacts.Builder typed, EvidenceSink sink) {
        if (!facade.disclosurePolicy.isPresent()) {
            sink.add(Mechanism.DISCLOSURE_POLICY, Evidence.configured(Mechanism.DISCLOSURE_POLICY, false,
                    "no DisclosurePolicy configured"));
            return;
        }
        DisclosurePolicy d = facade.disclosurePolicy.get();
        List<String> contacts = new ArrayList<>();
        for (URI u : d.contacts()) {
            contacts.add(u.toString());
        }
        typed.disclosurePolicy(contacts, d.expires());
        d.policyUrl().ifPresent(u -> typed.disclosurePolicyUrl(u.toString()));
        sink.add(Mechanism.DISCLOSURE_POLICY, Evidence.configured(Mechanism.DISCLOSURE_POLICY, true,
                "DisclosurePolicy with contact " + String.join(", ", contacts) + ", expires " + d.expires()
                        + d.policyUrl().map(u -> ", policy " + u).orElse("") + " (RFC 9116 security.txt)"));
    }

    // ------------------------------------------------------------------ updates

    private static void updates(DeviceSecurity facade, ConformanceFacts.Builder typed, EvidenceSink sink)
            throws IOException, GeneralSecurityException {
        Optional<byte[]> root = facade.rootStore.load();
        if (root.isPresent()) {
            StringBuilder d = new StringBuilder("trusted update root in the keystore (" + DeviceSecurity.UPDATE_ROOT
                    + "), anti-rollback floor version " + facade.rollbackCounter.current());
            if (facade.lastCheck != null) {
                io.devsec.update.RootMetadata r = facade.lastCheck.verifier.trustedRoot();
                d.append("; updates need ").append(r.updateThreshold()).append(" of ").append(r.updateKeyIds().size())
                        .append(" Ed25519 signatures (DSSE), hash and length checked");
            }
            sink.add(Mechanism.UPDATE_SIGNED, Evidence.observed(Mechanism.UPDATE_SIGNED, true, d.toString()));
        } else {
            sink.add(Mechanism.UPDATE_SIGNED, Evidence.notAssessed(Mechanism.UPDATE_SIGNED,
                    "no trusted update root in the keystore: updates were never started on this device"));
        }
        if (facade.agents.isEmpty()) {
            String why = "no update agent was started by this process";
            sink.add(Mechanism.UPDATE_AUTOMATIC, Evidence.notAssessed(Mechanism.UPDATE_AUTOMATIC, why));
            sink.add(Mechanism.SUPPORT_PERIOD_METADATA, Evidence.notAssessed(Mechanism.SUPPORT_PERIOD_METADATA, why));
        } else {
            UpdateSettings us = facade.lastUpdateSettings;
            boolean auto = facade.automaticUpdatesOn();
            sink.add(Mechanism.UPDATE_AUTOMATIC, Evidence.configured(Mechanism.UPDATE_AUTOMATIC, auto, auto
                    ? "automatic checks every " + us.schedule().period() + " with jitter, installed without user steps"
                    : "automatic updates are off: each update needs the application to ask"));
            Optional<java.time.LocalDate> until = Optional.empty();
            for (UpdateAgent a : facade.agents) {
                if (a.supportUntil().isPresent()) {
                    until = a.supportUntil();
                }
            }
            if (until.isPresent()) {
                typed.supportUntil(until.get());
                sink.add(Mechanism.SUPPORT_PERIOD_METADATA, Evidence.observed(Mechanism.SUPPORT_PERIOD_METADATA,
                        true, "signed update metadata says support until " + until.get()));
            } else {
                sink.add(Mechanism.SUPPORT_PERIOD_METADATA, Evidence.notAssessed(Mechanism.SUPPORT_PERIOD_METADATA,
                        "the signed update metadata carries no support-until date"));
            }
        }
        if (facade.lastCheck == null) {
            typed.integrityCheck(ConformanceFacts.IntegrityCheck.NOT_CONFIGURED);
            sink.add(Mechanism.INTEGRITY_CHECK, Evidence.notAssessed(Mechanism.INTEGRITY_CHECK,
                    "updates were not started in this process, so the installed software was not checked"));
        } else if (facade.compromised) {
            typed.integrityCheck(ConformanceFacts.IntegrityCheck.FAILED);
            sink.add(Mechanism.INTEGRITY_CHECK, Evidence.observed(Mechanism.INTEGRITY_CHECK, false,
                    "the installed software does NOT match its signed metadata (device compromised)"));
        } else if (facade.integrity == DeviceStatus.SoftwareIntegrity.VERIFIED) {
            typed.integrityCheck(ConformanceFacts.IntegrityCheck.PASSED);
            sink.add(Mechanism.INTEGRITY_CHECK, Evidence.observed(Mechanism.INTEGRITY_CHECK, true,
                    "the installed software matched its signed metadata at start (not a secure boot)"));
        } else if (facade.integrity == DeviceStatus.SoftwareIntegrity.UNVERIFIABLE) {
            typed.integrityCheck(ConformanceFacts.IntegrityCheck.UNVERIFIABLE);
            sink.add(Mechanism.INTEGRITY_CHECK, Evidence.observed(Mechanism.INTEGRITY_CHECK, false,
                    "no signed metadata is known for the running image, so it cannot be verified"));
        } else {
            typed.integrityCheck(ConformanceFacts.IntegrityCheck.NOT_YET_RUN);
            sink.add(Mechanism.INTEGRITY_CHECK, Evidence.notAssessed(Mechanism.INTEGRITY_CHECK,
                    "the integrity check has not run yet in this process"));
        }
    }

    // ------------------------------------------------------------------ storage

    private static void storage(DeviceSecurity facade, ConformanceFacts.Builder typed, EvidenceSink sink)
            throws IOException {
        MasterKeySource.Kind kind = facade.keystore.masterKeyKind();
        sink.add(Mechanism.KEYSTORE_ENCRYPTED, Evidence.observed(Mechanism.KEYSTORE_ENCRYPTED, true,
                "keystore opened with its " + kind + " master key; entries sealed with AES-256-GCM"));
        Path ks = facade.dataFolder.resolve(DeviceSecurity.KEYSTORE_FILE);
        if (facade.keystoreOptions.insecureAllowLoosePermissions()) {
            typed.insecureOption("KeystoreOptions.insecureAllowLoosePermissions");
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(ks);
            Set<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
            loose.addAll(perms);
            loose.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
            boolean ok = loose.isEmpty() && !facade.keystoreOptions.insecureAllowLoosePermissions();
            sink.add(Mechanism.KEYSTORE_PERMISSIONS, Evidence.observed(Mechanism.KEYSTORE_PERMISSIONS, ok,
                    !loose.isEmpty() ? "the keystore file is readable or writable by group or others " + loose
                            : ok ? "the keystore file is owner-only and loose permissions are refused"
                            : "the keystore file is owner-only now, but loose permissions are allowed"
                                    + " (KeystoreOptions.insecureAllowLoosePermissions)"));
        } catch (UnsupportedOperationException e) {
            sink.add(Mechanism.KEYSTORE_PERMISSIONS, Evidence.notAssessed(Mechanism.KEYSTORE_PERMISSIONS,
                    "the file system has no POSIX permissions"));
        }
        boolean beside = kind == MasterKeySource.Kind.DEVICE_SECRET_FILE
                && Files.exists(facade.dataFolder.resolve(DeviceSecurity.DEVICE_SECRET_FILE));
        String where = kind == MasterKeySource.Kind.PKCS11_TOKEN ? "the master key stays in a PKCS#11 token"
                : kind == MasterKeySource.Kind.PASSPHRASE ? "the master key is derived from a passphrase that is not"
                        + " stored in the data folder"
                : beside ? "the master key file " + DeviceSecurity.DEVICE_SECRET_FILE + " lies in the data folder beside"
                        + " the keystore it protects: anyone who can read the flash can decrypt the keystore; use a"
                        + " PKCS#11 token (TPM, secure element) or a passphrase"
                : "the master key file is outside the data folder";
        sink.add(Mechanism.MASTER_KEY_SEPARATION, Evidence.observed(Mechanism.MASTER_KEY_SEPARATION, !beside, where));
        boolean rollback = facade.keystore.rollbackProtected();
        sink.add(Mechanism.KEYSTORE_ROLLBACK_DETECTION, Evidence.observed(Mechanism.KEYSTORE_ROLLBACK_DETECTION,
                rollback, rollback ? "the keystore's version is bound to a rollback counter in a PKCS#11 token or TPM:"
                        + " a restored older copy of the file is refused at start"
                        : "no rollback counter is configured: a restored older copy of the keystore file is not"
                                + " detected (it would bring back a lower failed-login count, an older update rollback"
                                + " floor and an older trusted root); counters are monotonic only within one file;"
                                + " set DeviceSecurity.Builder.rollbackProtection(...)"));
        sink.add(Mechanism.ATOMIC_PERSISTENCE, Evidence.notAssessed(Mechanism.ATOMIC_PERSISTENCE,
                "the storage module writes by fsync and rename, but a running device cannot observe power-loss"
                        + " safety; the crash tests check it on a twin"));
    }

    // ------------------------------------------------------------------ transport

    private static void transport(DeviceSecurity facade, ConformanceFacts.Builder typed, EvidenceSink sink) {
        List<DeviceSecurity.LiveClient> live = facade.liveClients();
        if (live.isEmpty()) {
            String why = "no MQTT client was made by this process";
            for (Mechanism m : Arrays.asList(Mechanism.TLS_CHANNEL, Mechanism.MUTUAL_TLS, Mechanism.OUTBOX,
                    Mechanism.RECONNECT_JITTER, Mechanism.MQTT_INBOUND_VALIDATION, Mechanism.INTEGRITY_QUARANTINE)) {
                sink.add(m, Evidence.notAssessed(m, why));
            }
            return;
        }
        boolean legacy = false;
        boolean connected = false;
        List<String> protocols = new ArrayList<>();
        int pins = 0;
        boolean jitter = true;
        List<String> policies = new ArrayList<>();
        boolean quarantined = true;
        List<String> revocation = new ArrayList<>();
        for (DeviceSecurity.LiveClient c : live) {
            TlsSettings t = c.settings.tlsSettings();
            legacy |= t.insecureLegacyAllowed();
            String r = t.revocation().describe();
            if (!revocation.contains(r)) {
                revocation.add(r);
            }
            if (t.revocation().softFail()) {
                typed.insecureOption("RevocationSettings.softFail");
            }
            for (String p : t.protocols()) {
                if (!protocols.contains(p)) {
                    protocols.add(p);
                }
            }
            pins += t.pins().size();
            connected |= c.client.state() == io.devsec.transport.ConnectionState.CONNECTED;
            ReconnectPolicy rp = c.settings.reconnectPolicy();
            jitter &= !rp.firstConnectJitter().isZero() && !rp.stableLossSpread().isZero();
            policies.add(rp.toString());
            quarantined &= c.client.quarantined().isPresent();
        }
        if (legacy) {
            typed.insecureOption("TlsSettings.insecureLegacy");
        }
        String tls = "TLS " + String.join(" and ", protocols) + " with AEAD suites and hostname verification on "
                + live.size() + " MQTT client(s)" + (pins > 0 ? ", " + pins + " public key pin(s) checked against the"
                + " validated path" : "") + "; broker certificate revocation: " + String.join("; ", revocation)
                + (connected ? "; connected now" : "; not connected now");
        sink.add(Mechanism.TLS_CHANNEL, Evidence.configured(Mechanism.TLS_CHANNEL, !legacy, legacy
                ? "TLS allows legacy versions or suites (TlsSettings.insecureAllowLegacyProtocolsAndSuites)" : tls));
        sink.add(Mechanism.MUTUAL_TLS, Evidence.configured(Mechanism.MUTUAL_TLS, true,
                "clients made by DeviceSecurity.mqtt present the device identity certificate; topics limited to "
                        + live.get(0).client.namespace().prefix()));
        sink.add(Mechanism.OUTBOX, Evidence.configured(Mechanism.OUTBOX, true, "QoS 1 messages wait in an"
                + " encrypted outbox journal on disk, at most " + live.get(0).settings.outboxMaxMessages()
                + " messages"));
        sink.add(Mechanism.RECONNECT_JITTER, Evidence.configured(Mechanism.RECONNECT_JITTER, jitter,
                (jitter ? "reconnects spread with jitter: " : "reconnect delays are not randomised: ")
                        + String.join("; ", policies)));
        sink.add(Mechanism.MQTT_INBOUND_VALIDATION, Evidence.configured(Mechanism.MQTT_INBOUND_VALIDATION, true,
                "every inbound MQTT message passes the validator registry (" + facade.validators.filters().size()
                        + " topic filter(s), unregistered topics refused) before the application sees it"));
        if (facade.compromised) {
            sink.add(Mechanism.INTEGRITY_QUARANTINE, Evidence.observed(Mechanism.INTEGRITY_QUARANTINE, quarantined,
                    quarantined ? "the device is compromised and every MQTT client is quarantined to the alert topic"
                            : "the device is compromised but a client is NOT quarantined"));
        } else if (facade.lastCheck != null) {
            sink.add(Mechanism.INTEGRITY_QUARANTINE, Evidence.configured(Mechanism.INTEGRITY_QUARANTINE, true,
                    "a failed integrity check quarantines the " + live.size() + " client(s) to " + facade.alertTopic));
        } else {
            sink.add(Mechanism.INTEGRITY_QUARANTINE, Evidence.notAssessed(Mechanism.INTEGRITY_QUARANTINE,
                    "no integrity check in this process, so nothing would trigger the quarantine"));
        }
    }

    // ------------------------------------------------------------------ surface

    private static void surface(AttackSurfaceReport surface, EvidenceSink sink) {
        if (ListeningSockets.supported()) {
            List<String> sockets = new ArrayList<>();
            for (ListeningSocket s : surface.listeningSockets()) {
                sockets.add(s.toString());
            }
            sink.add(Mechanism.LISTENING_SOCKETS, Evidence.observed(Mechanism.LISTENING_SOCKETS, sockets.isEmpty(),
                    sockets.isEmpty() ? "the process listens on no socket (read from /proc now)"
                            : "the process listens on " + String.join(", ", sockets)));
        } else {
            sink.add(Mechanism.LISTENING_SOCKETS, Evidence.notAssessed(Mechanism.LISTENING_SOCKETS,
                    "this platform does not tell which sockets the process listens on"));
        }
        if (surface.effectiveUid().isPresent()) {
            boolean root = surface.effectiveUid().get() == 0L;
            sink.add(Mechanism.PROCESS_PRIVILEGE, Evidence.observed(Mechanism.PROCESS_PRIVILEGE, !root,
                    root ? "the process runs as root" : "the process runs as uid " + surface.effectiveUid().get()));
        } else {
            sink.add(Mechanism.PROCESS_PRIVILEGE, Evidence.notAssessed(Mechanism.PROCESS_PRIVILEGE,
                    "this platform does not tell the process's user"));
        }
        List<String> features = new ArrayList<>(surface.features().keySet());
        sink.add(Mechanism.ENABLED_FEATURES, Evidence.observed(Mechanism.ENABLED_FEATURES, surface.warnings().isEmpty(),
                "enabled: " + (features.isEmpty() ? "none" : String.join(", ", features))
                        + (surface.warnings().isEmpty() ? "; no least-privilege warning"
                                : "; warnings: " + String.join("; ", surface.warnings()))));
    }

    // ------------------------------------------------------------------ privacy

    private static void privacy(DeviceSecurity facade, ConformanceFacts.Builder typed, EvidenceSink sink)
            throws IOException {
        List<String> ids = new ArrayList<>();
        for (Purpose p : facade.purposes) {
            ids.add(p.id());
        }
        typed.consentPurposes(ids);
        if (facade.consents == null || ids.isEmpty()) {
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
            sink.add(Mechanism.CONSENT_GATED_TELEMETRY, facade.gate != null
                    ? Evidence.configured(Mechanism.CONSENT_GATED_TELEMETRY, true,
                            "personal telemetry goes through the consent gate and is held until consent")
                    : Evidence.notAssessed(Mechanism.CONSENT_GATED_TELEMETRY,
                            "no personal telemetry was sent through DeviceSecurity.personalTelemetry in this process"));
        }
        PersonalDataStore store = facade.personalData;
        if (store == null) {
            sink.add(Mechanism.PERSONAL_DATA_WIPE, Evidence.observed(Mechanism.PERSONAL_DATA_WIPE, false,
                    "no personal data store is open"));
            return;
        }
        Set<String> names = store.names();
        boolean key = facade.keystore.contains(PersonalDataStore.KEY_ENTRY);
        boolean ok = names.isEmpty() || key;
        sink.add(Mechanism.PERSONAL_DATA_WIPE, Evidence.observed(Mechanism.PERSONAL_DATA_WIPE, ok, ok
                ? "personal data store holds " + names.size() + " item(s)" + (key ? " sealed under a keystore key ("
                        + PersonalDataStore.KEY_ENTRY + "), so wipePersonalData() erases them by destroying the key"
                        : "") + "; the wipe returns a receipt"
                : names.size() + " personal data item(s) lie on disk without their key in the keystore: a wipe"
                        + " cannot be confirmed by crypto-erase"));
    }

    // ------------------------------------------------------------------ events

    private static void events(DeviceSecurity facade, EvidenceSink sink) {
        int exporters = facade.telemetry.size();
        sink.add(Mechanism.SECURITY_EVENTS, Evidence.configured(Mechanism.SECURITY_EVENTS, exporters > 0,
                exporters > 0 ? "security events and alerts exported over " + exporters + " MQTT client(s)"
                        : "security events are kept in memory only: no exporter (publishSecurityTelemetry)"));
        sink.add(Mechanism.ANOMALY_DETECTION, facade.events.anomalySettings().isPresent()
                ? Evidence.configured(Mechanism.ANOMALY_DETECTION, true, "anomaly detection over security events: "
                        + facade.events.anomalySettings().get())
                : Evidence.configured(Mechanism.ANOMALY_DETECTION, false, "anomaly detection is off"));
        if (facade.lastCheck == null) {
            sink.add(Mechanism.INTEGRITY_ALERT, Evidence.notAssessed(Mechanism.INTEGRITY_ALERT,
                    "no integrity check in this process"));
        } else {
            sink.add(Mechanism.INTEGRITY_ALERT, Evidence.configured(Mechanism.INTEGRITY_ALERT, exporters > 0,
                    exporters > 0 ? "an integrity failure raises an INTEGRITY alert published on " + facade.alertTopic
                            : "an integrity failure is recorded locally only: no security telemetry exporter"));
        }
        // Inbound MQTT is the input channel this process owns: each client checks DevSec's command schema on the
        // reserved subtree, each application Subscription by its own schema, plain subscriptions by the registry,
        // and refuses any other topic. Without a client there is no such channel to assess here.
        if (facade.liveClients().isEmpty()) {
            sink.add(Mechanism.INPUT_VALIDATION, Evidence.notAssessed(Mechanism.INPUT_VALIDATION,
                    "no MQTT client was made by this process"));
        } else {
            sink.add(Mechanism.INPUT_VALIDATION, Evidence.configured(Mechanism.INPUT_VALIDATION, true,
                    "inbound MQTT checked under strict JSON limits: DevSec's command schema on "
                            + DeviceSecurity.COMMAND_TOPIC + ", each application Subscription by its schema, "
                            + facade.validators.filters().size() + " registry filter(s) " + facade.validators.filters()
                            + " for plain subscriptions; any other topic refused"));
        }
    }

}
