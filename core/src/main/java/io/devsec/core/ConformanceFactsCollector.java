package io.devsec.core;

import io.devsec.core.conformance.ConformanceFacts;
import io.devsec.core.disclosure.DisclosurePolicy;
import io.devsec.core.internal.Identity;
import io.devsec.core.privacy.Purpose;
import io.devsec.core.surface.AttackSurfaceReport;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.update.UpdateAgent;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/** Collects the Annex A facts of {@link DeviceSecurity#conformanceFacts()} from the facade's live state. */
final class ConformanceFactsCollector {

    private ConformanceFactsCollector() {}

    /**
     * The facts of {@code facade}'s live configuration; called with the facade lock held, on an open facade.
     *
     * @param surface the attack surface report taken just before (outside the lock)
     */
    static ConformanceFacts collect(DeviceSecurity facade, AttackSurfaceReport surface)
            throws IOException, GeneralSecurityException {
        ConformanceFacts.Builder f = ConformanceFacts.builder(facade.productName, facade.deviceId);
        facade.serialNumber.ifPresent(f::serialNumber);
        byte[] origin = facade.keystore.secret(DeviceSecurity.PASSWORD_ORIGIN).orElseThrow(
                () -> new CorruptKeystoreException("password origin missing"));
        DeviceSecurity.PasswordOrigin po = DeviceSecurity.PasswordOrigin.of(origin[0]);
        f.passwordOrigin(po == DeviceSecurity.PasswordOrigin.USER ? ConformanceFacts.PasswordOrigin.CHANGED_BY_USER
                : po == DeviceSecurity.PasswordOrigin.LABEL ? ConformanceFacts.PasswordOrigin.PROVISIONED_LABEL
                : ConformanceFacts.PasswordOrigin.GENERATED_ON_DEVICE);
        f.passwordHashing("Argon2id (Bouncy Castle), outputs compared with MessageDigest.isEqual");
        f.passwordPolicy(facade.passwordPolicy.toString());
        f.loginThrottle(facade.throttle.maxFailures(), true);
        f.factoryResetRegeneratesPassword(true);
        if (facade.disclosurePolicy.isPresent()) {
            DisclosurePolicy d = facade.disclosurePolicy.get();
            List<String> contacts = new ArrayList<>();
            for (URI u : d.contacts()) {
                contacts.add(u.toString());
            }
            f.disclosurePolicy(contacts, d.expires(), true);
            d.policyUrl().ifPresent(u -> f.disclosurePolicyUrl(u.toString()));
        }
        UpdateSettings us = facade.lastUpdateSettings;
        if (us != null && facade.lastCheck != null) {
            io.devsec.update.RootMetadata root = facade.lastCheck.verifier.trustedRoot();
            f.updates(root.updateThreshold(), root.updateKeyIds().size(), us.hardwareId());
            f.antiRollbackFloor(facade.rollbackCounter.current());
            f.updateTrialPolicy(us.trialPolicy().toString());
            if (facade.automaticUpdatesOn()) {
                f.automaticUpdates(us.schedule().period());
            }
            for (UpdateAgent a : facade.agents) {
                a.supportUntil().ifPresent(f::supportUntil);
            }
            f.integrityCheck(facade.compromised ? ConformanceFacts.IntegrityCheck.FAILED
                    : facade.integrity == DeviceStatus.SoftwareIntegrity.VERIFIED ? ConformanceFacts.IntegrityCheck.PASSED
                    : facade.integrity == DeviceStatus.SoftwareIntegrity.UNVERIFIABLE
                            ? ConformanceFacts.IntegrityCheck.UNVERIFIABLE
                            : ConformanceFacts.IntegrityCheck.NOT_YET_RUN);
            f.integrityQuarantine(true);
        }
        f.masterKeyKind(facade.keystore.masterKeyKind());
        f.keystorePermissionsEnforced(!facade.keystoreOptions.insecureAllowLoosePermissions());
        f.keystoreRollbackDetected(facade.keystore.rollbackProtected());
        if (facade.keystoreOptions.insecureAllowLoosePermissions()) {
            f.insecureOption("KeystoreOptions.insecureAllowLoosePermissions");
        }
        f.identityGeneratedOnDevice(true);
        List<DeviceSecurity.LiveClient> live = facade.liveClients();
        if (!live.isEmpty()) {
            DeviceSecurity.LiveClient c = live.get(0);
            f.mqtt(c.settings.protocol().name(), c.client.namespace().prefix());
            f.tls(c.settings.tlsSettings().protocols(), c.settings.tlsSettings().insecureLegacyAllowed(), true,
                    c.settings.tlsSettings().pins().size());
            if (c.settings.tlsSettings().insecureLegacyAllowed()) {
                f.insecureOption("TlsSettings.insecureLegacy");
            }
            f.certificateRenewalWindow(c.settings.renewalWindow());
            f.outboxPersisted(true);
            f.reconnectPolicy(c.settings.reconnectPolicy().toString(), true);
            f.mqttInboundValidated(true);
        }
        f.certificateIssued(!Identity.isSelfSigned(facade.chain.get(0)));
        List<String> sockets = new ArrayList<>();
        for (io.devsec.core.surface.ListeningSocket ls : surface.listeningSockets()) {
            sockets.add(ls.toString());
        }
        f.listeningSockets(sockets);
        f.enabledFeatures(new ArrayList<>(surface.features().keySet()));
        surface.effectiveUid().ifPresent(uid -> f.runsAsRoot(uid == 0L));
        if (facade.consents != null) {
            f.personalDataUse(ConformanceFacts.PersonalDataUse.PROCESSED);
            List<String> ids = new ArrayList<>();
            for (Purpose p : facade.purposes) {
                ids.add(p.id());
            }
            f.consentRegistry(ids);
            f.consentGatedTelemetry(true);
            f.dataUseStatementAvailable(true);
        }
        f.personalDataWipe(true);
        f.atomicStatePersistence(true);
        f.securityEvents(true);
        f.anomalyDetection(facade.events.anomalySettings().isPresent());
        f.telemetryExport(!facade.telemetry.isEmpty());
        // The registry's filters plus the command schema every MQTT client applies on devsec/cmd.
        f.inputValidators(facade.validators.filters().size() + 1);
        return f.build();
    }
}
