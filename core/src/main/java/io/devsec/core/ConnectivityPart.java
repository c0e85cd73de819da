package io.devsec.core;

import io.devsec.core.conformance.ConformanceFacts;
import io.devsec.core.conformance.Evidence;
import io.devsec.core.conformance.EvidenceSink;
import io.devsec.core.conformance.Mechanism;
import io.devsec.core.events.EventAdapters;
import io.devsec.core.events.SecurityEvents;
import io.devsec.core.events.TelemetryExporter;
import io.devsec.core.privacy.WipeAction;
import io.devsec.core.surface.AttackSurfaceReport;
import io.devsec.core.validation.Subscription;
import io.devsec.core.validation.ValidatorRegistry;
import io.devsec.core.validation.Validators;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import io.devsec.transport.ConnectionState;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.DeviceTlsContext;
import io.devsec.transport.MessageValidator;
import io.devsec.transport.OutboxFiles;
import io.devsec.transport.OutboxKey;
import io.devsec.transport.OutboxSettings;
import io.devsec.transport.Qos;
import io.devsec.transport.ReconnectPolicy;
import io.devsec.transport.TlsSettings;
import io.devsec.transport.TopicNamespace;
import io.devsec.transport.TrustAnchors;
import io.devsec.update.UpdateAgent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device's MQTT connectivity: the clients made by {@link DeviceSecurity#mqtt} (mutual TLS with the identity,
 * inbound validation, encrypted outbox, quarantine while the device is compromised), their outbox key and the
 * security telemetry exporters. Owns the keystore entries under {@value #PREFIX} and its own lock; it sees the
 * identity through {@link DeviceIdentity} and the firmware through {@link IntegrityState}, and is the firmware's
 * {@link Quarantine}.
 */
final class ConnectivityPart implements Quarantine {

    /** Made on first use: a normal start logs nothing, so it never initialises SLF4J. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(DeviceSecurity.class);
    }

    static final String PREFIX = "transport/";
    static final String OUTBOX_KEY = PREFIX + "outbox-key";

    /** An MQTT client made here, with what it needs to renew its identity. */
    private static final class LiveClient {
        final DeviceMqttClient client;
        final MqttSettings settings;

        LiveClient(DeviceMqttClient client, MqttSettings settings) {
            this.client = client;
            this.settings = settings;
        }
    }

    private final Object lock = new Object();
    private final KeystoreSlice keystore;
    private final DeviceIdentity identity;
    private final IntegrityState integrity;
    private final Supplier<List<UpdateAgent>> agents;
    private final ValidatorRegistry validators;
    private final SecurityEvents events;
    private final Clock clock;
    private final SecureRandom random;
    private final Path dataFolder;
    private final String alertTopic;
    /** Guarded by lock. */
    private final List<LiveClient> clients = new ArrayList<>();
    private final Map<DeviceMqttClient, TelemetryExporter> telemetry = new LinkedHashMap<>();

    ConnectivityPart(Keystore keystore, DeviceIdentity identity, IntegrityState integrity,
            Supplier<List<UpdateAgent>> agents, ValidatorRegistry validators, SecurityEvents events, Clock clock,
            SecureRandom random, Path dataFolder, String alertTopic) {
        this.keystore = new KeystoreSlice(keystore, PREFIX);
        this.identity = Objects.requireNonNull(identity, "identity");
        this.integrity = Objects.requireNonNull(integrity, "integrity");
        this.agents = Objects.requireNonNull(agents, "agents");
        this.validators = Objects.requireNonNull(validators, "validators");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.dataFolder = Objects.requireNonNull(dataFolder, "dataFolder");
        this.alertTopic = Objects.requireNonNull(alertTopic, "alertTopic");
    }

    /** A factory reset keeps nothing of this part (the outbox key goes with the personal data). */
    boolean keepsOnReset(String name) {
        return false;
    }

    /** A mutual-TLS context from the device identity. */
    DeviceTlsContext tlsContext(TrustAnchors anchors, TlsSettings settings) throws GeneralSecurityException {
        Objects.requireNonNull(anchors, "anchors");
        Objects.requireNonNull(settings, "settings");
        return DeviceTlsContext.create(identity.tlsIdentity(), anchors, settings);
    }

    /** Builds a client (not started) and keeps it; see {@link DeviceSecurity#mqtt}. */
    DeviceMqttClient buildClient(MqttSettings settings) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(settings, "settings");
        synchronized (lock) {
            Path outboxFolder = settings.outboxFolder().orElse(dataFolder.resolve(MqttSettings.DEFAULT_OUTBOX_FOLDER));
            OutboxKey outboxKey = outboxKey(outboxFolder);
            DeviceTlsContext tls = tlsContext(settings.trustAnchors(), settings.tlsSettings());
            // The settings MqttSettings carries itself, then the application's transport customizer (maxInflight,
            // writeCoalescing, ...), then what the device decides alone: identity, namespace, checks, outbox.
            DeviceMqttClient.Builder b = DeviceMqttClient.builder()
                    .protocol(settings.protocol())
                    .reconnectPolicy(settings.reconnectPolicy())
                    .renewalWindow(settings.renewalWindow())
                    .connectTimeout(settings.connectTimeout())
                    .keepAlive(settings.keepAlive())
                    .maxInboundPayloadBytes(settings.maxInboundPayloadBytes());
            settings.clientId().ifPresent(b::clientId);
            settings.transport().accept(b);
            String deviceId = identity.deviceId();
            b.broker(settings.host(), settings.port())
                    .deviceId(deviceId)
                    .namespace(TopicNamespace.forDevice(deviceId))
                    .noLocal(true)
                    .tls(tls)
                    .validator(inboundValidator(settings.validator()))
                    .listener(EventAdapters.transportListener(events, settings.listener()))
                    .clock(clock)
                    .random(random)
                    .reserve(Subscription.RESERVED_SUBTREE + "/#", new DevSecCommands(deviceId, agents))
                    .outbox(OutboxSettings.builder(outboxFolder, outboxKey).maxMessages(settings.outboxMaxMessages())
                            .maxBytes(settings.outboxMaxBytes()).build());
            DeviceMqttClient client = b.build();
            liveClients();
            clients.add(new LiveClient(client, settings));
            if (integrity.compromised()) {
                quarantine(client);
            }
            return client;
        }
    }

    /**
     * For subscriptions made with {@code subscribe(filter, qos, handler)} (a {@link Subscription} checks its own
     * messages): DevSec's registry first (default deny: a topic no registered filter matches is refused), then
     * the application's validator. When the application gave its own validator, topics no registered filter
     * matches are left to it alone.
     */
    private MessageValidator inboundValidator(MessageValidator application) {
        MessageValidator registry = Validators.messageValidator(validators);
        if (application == MessageValidator.ACCEPT_ALL) {
            return registry;
        }
        return message -> {
            boolean registered = false;
            for (String filter : validators.filters()) {
                if (TopicNamespace.matches(filter, message.topic())) {
                    registered = true;
                    break;
                }
            }
            if (registered) {
                registry.validate(message);
            }
            application.validate(message);
        };
    }

    /**
     * The outbox key from the keystore, created (random, 256 bits) on first use. When it is created while
     * the outbox folder already holds files (left from before a factory reset deleted the old key), those
     * files can no longer be decrypted and are deleted.
     */
    private OutboxKey outboxKey(Path outboxFolder) throws IOException, KeystoreException {
        Optional<byte[]> stored = keystore.secret(OUTBOX_KEY);
        byte[] raw;
        if (stored.isPresent()) {
            raw = stored.get();
            if (raw.length != 32) {
                Arrays.fill(raw, (byte) 0);
                throw new CorruptKeystoreException("The stored outbox key is not 256 bits.");
            }
        } else {
            raw = new byte[32];
            random.nextBytes(raw);
            keystore.putSecret(OUTBOX_KEY, raw);
            deleteUnreadableOutbox(outboxFolder);
            Log.LOG.info("Created the outbox key of device {}", identity.deviceId());
        }
        try {
            return OutboxKey.of(new SecretKeySpec(raw, "AES"));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private void deleteUnreadableOutbox(Path folder) throws IOException {
        OutboxFiles deleted = OutboxFiles.delete(folder);
        if (deleted.files() > 0) {
            Log.LOG.warn("Deleted {} outbox file(s) of device {} sealed with a key that no longer exists", deleted.files(),
                    identity.deviceId());
        }
    }

    /** The clients still open (closed ones are dropped); called with the lock held. */
    private List<LiveClient> liveClients() {
        clients.removeIf(c -> c.client.state() == ConnectionState.CLOSED);
        return new ArrayList<>(clients);
    }

    /** The number of clients still open. */
    int liveClientCount() {
        synchronized (lock) {
            return liveClients().size();
        }
    }

    /**
     * Switches every live client to the current chain (after {@link IdentityPart} stored a new one): one new TLS
     * connection each, then the old one closes. Runs with no lock held.
     */
    void renewIdentity() throws IOException, KeystoreException {
        List<LiveClient> live;
        synchronized (lock) {
            live = liveClients();
        }
        IOException failure = null;
        String deviceId = identity.deviceId();
        for (LiveClient c : live) {
            try {
                DeviceTlsContext renewed = tlsContext(c.settings.trustAnchors(), c.settings.tlsSettings());
                c.client.renewIdentity(renewed, c.settings.connectTimeout().multipliedBy(2));
                Log.LOG.info("MQTT client {} of device {} now uses the installed certificate", c.client.clientId(), deviceId);
            } catch (KeystoreException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                InterruptedIOException io = new InterruptedIOException("interrupted while renewing the MQTT connection");
                io.initCause(e);
                throw io;
            } catch (IOException | TimeoutException | GeneralSecurityException e) {
                Log.LOG.warn("MQTT client {} of device {} could not switch to the installed certificate: {}",
                        c.client.clientId(), deviceId, e.toString());
                if (failure == null) {
                    failure = new IOException("The certificate chain is installed, but the live MQTT connection "
                            + c.client.clientId() + " could not switch to it: " + e.getMessage(), e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ------------------------------------------------------------------ quarantine

    @Override
    public void quarantineAll() {
        synchronized (lock) {
            for (LiveClient c : liveClients()) {
                quarantine(c.client);
            }
        }
    }

    @Override
    public void publishAlert(byte[] alertJson) {
        List<LiveClient> live;
        synchronized (lock) {
            live = liveClients();
        }
        for (LiveClient c : live) {
            try {
                c.client.publish(c.client.namespace().topic(alertTopic), alertJson, Qos.AT_LEAST_ONCE);
            } catch (IOException | RuntimeException e) {
                Log.LOG.warn("Could not queue the integrity alert on client {}: {}", c.client.clientId(), e.toString());
            }
        }
    }

    @Override
    public void liftAll() {
        synchronized (lock) {
            for (LiveClient c : liveClients()) {
                c.client.liftQuarantine();
            }
        }
    }

    /** Quarantines a client: only the alert topic stays reachable; a client that cannot be quarantined is closed. */
    private void quarantine(DeviceMqttClient client) {
        try {
            client.quarantine(alertTopic);
        } catch (RuntimeException e) {
            Log.LOG.warn("Could not quarantine MQTT client {} of compromised device {} ({}): closing it", client.clientId(),
                    identity.deviceId(), e.toString());
            try {
                client.close();
            } catch (IOException closing) {
                Log.LOG.warn("Closing MQTT client {} failed: {}", client.clientId(), closing.toString());
            }
        }
    }

    // ------------------------------------------------------------------ telemetry and wipe

    /** See {@link DeviceSecurity#publishSecurityTelemetry}. */
    void publishSecurityTelemetry(DeviceMqttClient client) {
        Objects.requireNonNull(client, "client");
        synchronized (lock) {
            if (telemetry.containsKey(client)) {
                return;
            }
            TelemetryExporter exporter = TelemetryExporter.create(
                    (suffix, payload) -> client.publish(client.namespace().topic(suffix), payload, Qos.AT_LEAST_ONCE));
            telemetry.put(client, exporter);
            events.subscribe(exporter);
            Log.LOG.info("Security telemetry of device {} goes to {}security/...", identity.deviceId(),
                    client.namespace().prefix());
        }
    }

    /**
     * The {@code "outbox"} step of a personal data wipe: closes the clients live now (outside this part's lock),
     * tells {@code closed} about each, and deletes their outbox files. The outbox key itself is destroyed in the
     * wipe's crypto-erase batch ({@link #OUTBOX_KEY}).
     */
    WipeAction outboxWipe(Consumer<DeviceMqttClient> closed) {
        List<LiveClient> live;
        synchronized (lock) {
            live = liveClients();
        }
        return () -> wipeOutboxes(live, closed);
    }

    private WipeAction.Result wipeOutboxes(List<LiveClient> live, Consumer<DeviceMqttClient> closed) throws IOException {
        List<Path> folders = new ArrayList<>();
        folders.add(dataFolder.resolve(MqttSettings.DEFAULT_OUTBOX_FOLDER));
        IOException failure = null;
        for (LiveClient c : live) {
            c.settings.outboxFolder().ifPresent(folders::add);
            try {
                c.client.close();
            } catch (IOException e) {
                failure = e;
            }
            TelemetryExporter exporter;
            synchronized (lock) {
                exporter = telemetry.remove(c.client);
            }
            closed.accept(c.client);
            if (exporter != null) {
                events.unsubscribe(exporter);
            }
        }
        if (failure != null) {
            throw failure;
        }
        long items = 0;
        long bytes = 0;
        for (Path folder : folders) {
            OutboxFiles deleted = OutboxFiles.delete(folder);
            items += deleted.files();
            bytes += deleted.bytes();
        }
        return WipeAction.Result.of(items, bytes);
    }

    // ------------------------------------------------------------------ status, surface and conformance

    /** The telemetry lines of the health check. */
    void contributeStatus(StatusFindings findings) {
        boolean none;
        synchronized (lock) {
            none = telemetry.isEmpty();
        }
        if (none) {
            findings.action("telemetry", "Security events are not sent anywhere: call "
                    + "device.publishSecurityTelemetry(client) or subscribe an exporter to device.events()");
        } else {
            findings.ok("telemetry", "Security events and alerts published over MQTT");
        }
    }

    /** The validation feature, the MQTT endpoints and the MQTT feature of the attack surface. */
    void contributeSurface(AttackSurfaceReport.Builder b) {
        b.feature("validation", "inbound MQTT messages validated: DevSec commands on devices/{id}/"
                + DeviceSecurity.COMMAND_TOPIC + ", each application Subscription by its own schema, plain subscriptions by "
                + validators.filters());
        synchronized (lock) {
            int i = 0;
            for (LiveClient c : liveClients()) {
                i++;
                b.endpoint("mqtt-" + i, endpoint(c.settings));
            }
            if (i > 0) {
                b.feature("mqtt", i + " MQTT client(s) over mutual TLS, topics limited to devices/" + identity.deviceId()
                        + "/" + (integrity.compromised() ? " (QUARANTINED)" : ""));
            }
        }
    }

    /** The security telemetry feature of the attack surface. */
    void contributeTelemetrySurface(AttackSurfaceReport.Builder b) {
        synchronized (lock) {
            if (!telemetry.isEmpty()) {
                b.feature("security-telemetry", "security events and alerts published over MQTT");
            }
        }
    }

    private static URI endpoint(MqttSettings settings) {
        try {
            return new URI("ssl", null, settings.host(), settings.port(), null, null, null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("MQTT host " + settings.host() + " is not a valid URI host", e);
        }
    }

    /**
     * The evidence of TLS, mutual TLS, outbox, reconnects, inbound validation, quarantine, the export of security
     * events and integrity alerts, and input validation, from the clients live now.
     */
    void contributeFacts(ConformanceFacts.Builder typed, EvidenceSink sink) {
        List<LiveClient> live;
        int exporters;
        synchronized (lock) {
            live = liveClients();
            exporters = telemetry.size();
        }
        boolean compromised = integrity.compromised();
        boolean checkConfigured = integrity.checkConfigured();
        transportFacts(typed, sink, live, compromised, checkConfigured);
        sink.add(Mechanism.SECURITY_EVENTS, Evidence.configured(Mechanism.SECURITY_EVENTS, exporters > 0,
                exporters > 0 ? "security events and alerts exported over " + exporters + " MQTT client(s)"
                        : "security events are kept in memory only: no exporter (publishSecurityTelemetry)"));
        if (!checkConfigured) {
            sink.add(Mechanism.INTEGRITY_ALERT, Evidence.notAssessed(Mechanism.INTEGRITY_ALERT,
                    "no integrity check in this process"));
        } else {
            sink.add(Mechanism.INTEGRITY_ALERT, Evidence.configured(Mechanism.INTEGRITY_ALERT, exporters > 0,
                    exporters > 0 ? "an integrity failure raises an INTEGRITY alert published on " + alertTopic
                            : "an integrity failure is recorded locally only: no security telemetry exporter"));
        }
        // Inbound MQTT is the input channel this process owns: each client checks DevSec's command schema on the
        // reserved subtree, each application Subscription by its own schema, plain subscriptions by the registry,
        // and refuses any other topic. Without a client there is no such channel to assess here.
        if (live.isEmpty()) {
            sink.add(Mechanism.INPUT_VALIDATION, Evidence.notAssessed(Mechanism.INPUT_VALIDATION,
                    "no MQTT client was made by this process"));
        } else {
            sink.add(Mechanism.INPUT_VALIDATION, Evidence.configured(Mechanism.INPUT_VALIDATION, true,
                    "inbound MQTT checked under strict JSON limits: DevSec's command schema on "
                            + DeviceSecurity.COMMAND_TOPIC + ", each application Subscription by its schema, "
                            + validators.filters().size() + " registry filter(s) " + validators.filters()
                            + " for plain subscriptions; any other topic refused"));
        }
    }

    private void transportFacts(ConformanceFacts.Builder typed, EvidenceSink sink, List<LiveClient> live,
            boolean compromised, boolean checkConfigured) {
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
        for (LiveClient c : live) {
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
            connected |= c.client.state() == ConnectionState.CONNECTED;
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
        // What the live sessions negotiated, as each client saw it when it connected: OBSERVED evidence. A client
        // that is not connected has nothing to observe, and the rows then rest on the configuration alone.
        List<io.devsec.transport.TlsSessionFacts> sessions = new ArrayList<>();
        for (LiveClient c : live) {
            c.client.tlsSession().ifPresent(sessions::add);
        }
        if (sessions.isEmpty()) {
            sink.add(Mechanism.TLS_CHANNEL, Evidence.configured(Mechanism.TLS_CHANNEL, !legacy, legacy
                    ? "TLS allows legacy versions or suites (TlsSettings.insecureAllowLegacyProtocolsAndSuites)"
                    : tls + " (no live session to observe)"));
            sink.add(Mechanism.MUTUAL_TLS, Evidence.configured(Mechanism.MUTUAL_TLS, true,
                    "clients made by DeviceSecurity.mqtt present the device identity certificate; topics limited to "
                            + live.get(0).client.namespace().prefix() + " (no live session to observe)"));
        } else {
            boolean modern = !legacy;
            boolean mutual = true;
            List<String> seen = new ArrayList<>();
            for (io.devsec.transport.TlsSessionFacts f : sessions) {
                modern &= "TLSv1.3".equals(f.protocol()) || "TLSv1.2".equals(f.protocol());
                mutual &= f.clientCertificatePresented();
                seen.add(f.protocol() + " " + f.cipherSuite() + " with " + f.peerHost() + ":" + f.peerPort() + " (broker "
                        + f.peerCertificateSubject() + "), " + (f.clientCertificatePresented()
                        ? "device certificate " + f.clientCertificateSubject().orElse("?") + " presented"
                        : "NO client certificate presented") + ", at " + f.observedAt());
            }
            String observed = sessions.size() + " live session(s): " + String.join("; ", seen);
            sink.add(Mechanism.TLS_CHANNEL, Evidence.observed(Mechanism.TLS_CHANNEL, modern, (modern ? "" : legacy
                    ? "TLS allows legacy versions or suites (TlsSettings.insecureAllowLegacyProtocolsAndSuites); "
                    : "a session negotiated a protocol below TLS 1.2; ") + observed + "; configured: " + tls));
            sink.add(Mechanism.MUTUAL_TLS, Evidence.observed(Mechanism.MUTUAL_TLS, mutual, observed
                    + "; topics limited to " + live.get(0).client.namespace().prefix()));
        }
        sink.add(Mechanism.OUTBOX, Evidence.configured(Mechanism.OUTBOX, true, "QoS 1 messages wait in an"
                + " encrypted outbox journal on disk, at most " + live.get(0).settings.outboxMaxMessages()
                + " messages"));
        sink.add(Mechanism.RECONNECT_JITTER, Evidence.configured(Mechanism.RECONNECT_JITTER, jitter,
                (jitter ? "reconnects spread with jitter: " : "reconnect delays are not randomised: ")
                        + String.join("; ", policies)));
        sink.add(Mechanism.MQTT_INBOUND_VALIDATION, Evidence.configured(Mechanism.MQTT_INBOUND_VALIDATION, true,
                "every inbound MQTT message passes the validator registry (" + validators.filters().size()
                        + " topic filter(s), unregistered topics refused) before the application sees it"));
        if (compromised) {
            sink.add(Mechanism.INTEGRITY_QUARANTINE, Evidence.observed(Mechanism.INTEGRITY_QUARANTINE, quarantined,
                    quarantined ? "the device is compromised and every MQTT client is quarantined to the alert topic"
                            : "the device is compromised but a client is NOT quarantined"));
        } else if (checkConfigured) {
            sink.add(Mechanism.INTEGRITY_QUARANTINE, Evidence.configured(Mechanism.INTEGRITY_QUARANTINE, true,
                    "a failed integrity check quarantines the " + live.size() + " client(s) to " + alertTopic));
        } else {
            sink.add(Mechanism.INTEGRITY_QUARANTINE, Evidence.notAssessed(Mechanism.INTEGRITY_QUARANTINE,
                    "no integrity check in this process, so nothing would trigger the quarantine"));
        }
    }

    /** Closes the clients (outside the lock: a client's listener may call into the device while it stops). */
    void close() {
        List<LiveClient> open;
        List<TelemetryExporter> exporters;
        synchronized (lock) {
            open = new ArrayList<>(clients);
            exporters = new ArrayList<>(telemetry.values());
            telemetry.clear();
            clients.clear();
        }
        for (TelemetryExporter exporter : exporters) {
            events.unsubscribe(exporter);
        }
        for (LiveClient c : open) {
            try {
                c.client.close();
            } catch (IOException | RuntimeException e) {
                Log.LOG.warn("Closing the MQTT client of device {} failed: {}", identity.deviceId(), e.toString());
            }
        }
    }
}
