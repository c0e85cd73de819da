package io.devsec.core;

import io.devsec.core.events.EventAdapters;
import io.devsec.core.internal.CertificateSubjects;
import io.devsec.core.validation.Subscription;
import io.devsec.core.validation.Validators;
import io.devsec.storage.AtomicFiles;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.KeystoreException;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.DeviceTlsContext;
import io.devsec.transport.MessageValidator;
import io.devsec.transport.OutboxKey;
import io.devsec.transport.OutboxSettings;
import io.devsec.transport.TopicNamespace;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity certificate and MQTT wiring of {@link DeviceSecurity}: installing an issued chain and switching
 * the live clients to it, building a client (mutual TLS, inbound validation, encrypted outbox, quarantine when
 * compromised) and the outbox key. Every method takes the facade whose state it reads and writes, under the
 * facade's lock where the facade itself took it.
 */
final class TransportWiring {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSecurity.class);

    private TransportWiring() {}

    static List<DeviceSecurity.LiveClient> storeCertificateChain(DeviceSecurity facade, List<X509Certificate> newChain,
            SubjectCheck subjectCheck) throws CertificateMismatchException, CertificateSubjectException,
            CertificateUsageException, CertificateValidityException, CertificateChainException, IOException, KeystoreException {
        synchronized (facade.lock()) {
            facade.ensureOpen();
            Objects.requireNonNull(newChain, "newChain");
            Objects.requireNonNull(subjectCheck, "subjectCheck");
            for (X509Certificate c : newChain) {
                Objects.requireNonNull(c, "a certificate of newChain");
            }
            if (newChain.isEmpty()) {
                throw new IllegalArgumentException("newChain must hold at least the leaf certificate");
            }
            List<X509Certificate> copy = Collections.unmodifiableList(new ArrayList<>(newChain));
            X509Certificate leaf = copy.get(0);
            if (!Arrays.equals(leaf.getPublicKey().getEncoded(), facade.publicKey.getEncoded())) {
                LOG.warn("Refused a certificate for device {} that holds another public key", facade.deviceId);
                throw new CertificateMismatchException(facade.deviceId, leaf.getSubjectX500Principal().getName());
            }
            String subjectProblem = CertificateSubjects.problem(leaf, facade.deviceId);
            if (subjectProblem != null) {
                if (subjectCheck == SubjectCheck.REQUIRE_DEVICE_ID_CN) {
                    LOG.warn("Refused a certificate for device {} whose subject is {}: {}", facade.deviceId,
                            leaf.getSubjectX500Principal().getName(), subjectProblem);
                    throw new CertificateSubjectException(facade.deviceId, leaf.getSubjectX500Principal().getName(),
                            CertificateSubjects.brokerUserName(leaf).orElse(null), subjectProblem);
                }
                LOG.warn("Installing a certificate for device {} whose subject is {} (accepted on request: {}); a broker "
                        + "that takes the CN as user name will not match it to devices/{}/", facade.deviceId,
                        leaf.getSubjectX500Principal().getName(), subjectProblem, facade.deviceId);
            }
            String usageProblem = CertificateSubjects.clientAuthProblem(leaf);
            if (usageProblem != null) {
                LOG.warn("Refused a certificate for device {} that may not authenticate a TLS client: {}", facade.deviceId,
                        usageProblem);
                throw new CertificateUsageException(leaf.getSubjectX500Principal().getName(), usageProblem);
            }
            Instant now = facade.clock.instant();
            for (int i = 0; i < copy.size(); i++) {
                X509Certificate c = copy.get(i);
                Instant notBefore = c.getNotBefore().toInstant();
                Instant notAfter = c.getNotAfter().toInstant();
                if (now.isBefore(notBefore) || now.isAfter(notAfter)) {
                    LOG.warn("Refused a certificate chain for device {}: certificate {} not valid now", facade.deviceId, i);
                    throw new CertificateValidityException(i, notBefore, notAfter, now);
                }
                if (i + 1 < copy.size()) {
                    X509Certificate issuer = copy.get(i + 1);
                    if (!c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                        throw new CertificateChainException(i, "names an issuer that is not the next certificate's subject.");
                    }
                    try {
                        c.verify(issuer.getPublicKey());
                    } catch (GeneralSecurityException e) {
                        throw new CertificateChainException(i, "is not signed by the next certificate's key.");
                    }
                }
            }
            facade.keystore.putCertificateChain(DeviceSecurity.KEY, copy);
            facade.chain = copy;
            LOG.info("Installed an issued certificate for device {}, valid until {}", facade.deviceId, leaf.getNotAfter().toInstant());
            return facade.liveClients();
        }
    }

    static DeviceMqttClient buildClient(DeviceSecurity facade, MqttSettings settings) throws IOException, GeneralSecurityException {
        synchronized (facade.lock()) {
            facade.ensureOpen();
            Objects.requireNonNull(settings, "settings");
            Path outboxFolder = settings.outboxFolder().orElse(facade.dataFolder.resolve(MqttSettings.DEFAULT_OUTBOX_FOLDER));
            OutboxKey outboxKey = outboxKey(facade, outboxFolder);
            DeviceTlsContext tls = facade.tlsContext(settings.trustAnchors(), settings.tlsSettings());
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
            String deviceId = facade.deviceId;
            b.broker(settings.host(), settings.port())
                    .deviceId(deviceId)
                    .namespace(TopicNamespace.forDevice(deviceId))
                    .noLocal(true)
                    .tls(tls)
                    .validator(inboundValidator(facade, settings.validator()))
                    .listener(EventAdapters.transportListener(facade.events, settings.listener()))
                    .clock(facade.clock)
                    .random(facade.random)
                    .reserve(Subscription.RESERVED_SUBTREE + "/#", new DevSecCommands(deviceId, () -> {
                        synchronized (facade.lock()) {
                            return new ArrayList<>(facade.agents);
                        }
                    }))
                    .outbox(OutboxSettings.builder(outboxFolder, outboxKey).maxMessages(settings.outboxMaxMessages())
                            .maxBytes(settings.outboxMaxBytes()).build());
            DeviceMqttClient client = b.build();
            facade.liveClients();
            facade.clients.add(new DeviceSecurity.LiveClient(client, settings));
            if (facade.compromised) {
                UpdateWiring.quarantine(facade, client);
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
    private static MessageValidator inboundValidator(DeviceSecurity facade, MessageValidator application) {
        MessageValidator registry = Validators.messageValidator(facade.validators);
        if (application == MessageValidator.ACCEPT_ALL) {
            return registry;
        }
        return message -> {
            boolean registered = false;
            for (String filter : facade.validators.filters()) {
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
    private static OutboxKey outboxKey(DeviceSecurity facade, Path outboxFolder) throws IOException, KeystoreException {
        Optional<byte[]> stored = facade.keystore.secret(DeviceSecurity.OUTBOX_KEY);
        byte[] raw;
        if (stored.isPresent()) {
            raw = stored.get();
            if (raw.length != 32) {
                Arrays.fill(raw, (byte) 0);
                throw new CorruptKeystoreException("The stored outbox key is not 256 bits.");
            }
        } else {
            raw = new byte[32];
            facade.random.nextBytes(raw);
            facade.keystore.putSecret(DeviceSecurity.OUTBOX_KEY, raw);
            deleteUnreadableOutbox(facade, outboxFolder);
            LOG.info("Created the outbox key of device {}", facade.deviceId);
        }
        try {
            return OutboxKey.of(new SecretKeySpec(raw, "AES"));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static void deleteUnreadableOutbox(DeviceSecurity facade, Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(folder)) {
            s.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path f : files) {
            Files.delete(f);
        }
        if (!files.isEmpty()) {
            AtomicFiles.fsyncDirectory(folder);
            LOG.warn("Deleted {} outbox file(s) of device {} sealed with a key that no longer exists", files.size(),
                    facade.deviceId);
        }
    }

    /** Switches every live client to the current chain: one new TLS connection each, then the old one closes. */
    static void renewLiveConnections(DeviceSecurity facade, List<DeviceSecurity.LiveClient> live) throws IOException, KeystoreException {
        IOException failure = null;
        for (DeviceSecurity.LiveClient c : live) {
            try {
                DeviceTlsContext renewed = facade.tlsContext(c.settings.trustAnchors(), c.settings.tlsSettings());
                c.client.renewIdentity(renewed, c.settings.connectTimeout().multipliedBy(2));
                LOG.info("MQTT client {} of device {} now uses the installed certificate", c.client.clientId(), facade.deviceId);
            } catch (KeystoreException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                InterruptedIOException io = new InterruptedIOException("interrupted while renewing the MQTT connection");
                io.initCause(e);
                throw io;
            } catch (IOException | TimeoutException | GeneralSecurityException e) {
                LOG.warn("MQTT client {} of device {} could not switch to the installed certificate: {}",
                        c.client.clientId(), facade.deviceId, e.toString());
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
}
