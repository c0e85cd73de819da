package io.devsec.core.conformance;

import io.devsec.core.conformance.ConformanceFacts.IntegrityCheck;
import io.devsec.core.conformance.ConformanceFacts.PasswordOrigin;
import io.devsec.core.conformance.ConformanceFacts.PersonalDataUse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides support for each provision from the facts. One method per provision; each returns Y only with the
 * feature and setting that provide it, and N with what is missing and how to configure it.
 *
 * <p>Provisions that are the manufacturer's process rather than device software (4.2-1, 4.2-2, 4.2-3, 4.3-2,
 * 4.6-2) are Y when the device holds the evidence (a disclosure policy, a policy URL, an SBOM, a support-until
 * date, a hardware statement) and N with "configure ..." otherwise; the detail says that publishing is the
 * manufacturer's step.
 */
final class ProvisionRules {

    private final ConformanceFacts f;
    private final Instant now;
    private final LocalDate today;

    ProvisionRules(ConformanceFacts facts, Instant now, LocalDate today) {
        this.f = facts;
        this.now = now;
        this.today = today;
    }

    /** The support and detail of one provision. */
    static final class Verdict {
        final Support support;
        final String detail;

        Verdict(Support support, String detail) {
            this.support = support;
            this.detail = detail;
        }
    }

    private static Verdict yes(String detail) {
        return new Verdict(Support.YES, detail);
    }

    private static Verdict no(String detail) {
        return new Verdict(Support.NO, detail);
    }

    private static Verdict notApplicable(String detail) {
        return new Verdict(Support.NOT_APPLICABLE, detail);
    }

    Verdict evaluate(Provision p) {
        switch (p.reference()) {
            case "4.1-1": return passwords();
            case "4.2-1": return disclosureContact();
            case "4.2-2": return actOnReports();
            case "4.2-3": return monitorVulnerabilities();
            case "4.3-1": return secureUpdates();
            case "4.3-2": return supportPeriod();
            case "4.3-3": return easyUpdates();
            case "4.3-4": return notUpdateable();
            case "4.4-1": return secureStorage();
            case "4.5-1": return encryptedTransit();
            case "4.5-2": return keyManagement();
            case "4.6-1": return closedPorts();
            case "4.6-2": return hardwareAccess();
            case "4.6-3": return unusedServices();
            case "4.6-4": return minimalCode();
            case "4.6-5": return leastPrivilege();
            case "4.7-1": return verifiedSoftware();
            case "4.7-2": return integrityAlert();
            case "4.8-1": return dataUseInformation();
            case "4.8-2": return validConsent();
            case "4.8-3": return withdrawConsent();
            case "4.9-1": return resilience();
            case "4.9-2": return localOperation();
            case "4.9-3": return orderlyReconnect();
            case "4.10-1": return telemetryExamined();
            case "4.11-1": return deletePersonalData();
            case "4.11-2": return deletionInstructions();
            case "4.12-1": return easyInstallation();
            case "4.13-1": return inputValidation();
            default: throw new IllegalStateException("No rule for provision " + p.reference());
        }
    }

    // ---- 4.1

    private Verdict passwords() {
        if (f.passwordOrigin() == PasswordOrigin.NOT_CONFIGURED) {
            return no("No device password is managed: build the device with DeviceSecurity.builder() so a unique"
                    + " password is generated at first start (or provisioned for the label).");
        }
        List<String> missing = new ArrayList<>();
        if (!f.passwordHashing().isPresent()) {
            missing.add("the password is not stored as a hash");
        }
        if (!f.factoryResetRegeneratesPassword()) {
            missing.add("a factory reset does not set a new unique password");
        }
        if (!missing.isEmpty()) {
            return no("Password is unique per device but " + String.join("; ", missing) + ".");
        }
        StringBuilder d = new StringBuilder();
        switch (f.passwordOrigin()) {
            case GENERATED_ON_DEVICE:
                d.append("Unique password generated on the device at first start from SecureRandom");
                break;
            case PROVISIONED_LABEL:
                d.append("Unique password generated per device at the factory (provisioning record, label)");
                break;
            default:
                d.append("Password changed by the user; it started as a unique per-device value");
                break;
        }
        d.append("; stored as ").append(f.passwordHashing().get());
        d.append("; factory reset sets a new unique password, never a universal default");
        f.passwordPolicy().ifPresent(pp -> d.append("; new passwords checked by ").append(pp));
        if (f.loginThrottleMaxFailures() > 0) {
            d.append("; login throttled with growing delays, locked after ").append(f.loginThrottleMaxFailures())
                    .append(" consecutive failures").append(f.loginThrottlePersisted() ? " (counter persisted)" : "");
        } else {
            d.append("; WARNING: logins are not throttled (EN 5.1-5)");
        }
        return yes(d.append('.').toString());
    }

    // ---- 4.2

    private Verdict disclosureContact() {
        if (f.disclosureContacts().isEmpty()) {
            return no("No vulnerability disclosure policy configured: configure a DisclosurePolicy with a contact"
                    + " and publish its security.txt (manufacturer's step).");
        }
        Instant expires = f.disclosurePolicyExpires().get();
        if (!expires.isAfter(now)) {
            return no("The disclosure policy expired at " + expires + ": renew the DisclosurePolicy.");
        }
        return yes("DisclosurePolicy with contact " + String.join(", ", f.disclosureContacts()) + ", valid until "
                + expires + (f.securityTxtAvailable() ? "; rendered as an RFC 9116 security.txt" : "")
                + ". Publishing it (e.g. at /.well-known/security.txt) is the manufacturer's step.");
    }

    private Verdict actOnReports() {
        if (!f.disclosurePolicyUrl().isPresent()) {
            return no("Manufacturer's process; no evidence configured: set the DisclosurePolicy's policy URL to a"
                    + " page stating how and how fast reports are handled (90 days is the common norm).");
        }
        return yes("Manufacturer's process, described in the disclosure policy at " + f.disclosurePolicyUrl().get()
                + " (Policy field of security.txt); security updates are shipped through the signed update channel.");
    }

    private Verdict monitorVulnerabilities() {
        List<String> missing = new ArrayList<>();
        if (!f.sbom().isPresent()) {
            missing.add("no SBOM configured (build a CycloneDX SBOM of the device application)");
        }
        if (!f.vulnerabilityMonitoring().isPresent()) {
            missing.add("no monitoring configured (e.g. devsec sbom-check against an OSV advisory file)");
        }
        if (!missing.isEmpty()) {
            return no("Manufacturer's process; " + String.join("; ", missing) + ".");
        }
        return yes("Components listed in " + f.sbom().get() + "; monitored by " + f.vulnerabilityMonitoring().get()
                + ".");
    }

    // ---- 4.3

    private Verdict secureUpdates() {
        if (!f.updatesConfigured()) {
            return no("Software updates are not configured: call DeviceSecurity.startUpdates(UpdateSettings) with"
                    + " the manufacturer's signed root.");
        }
        StringBuilder d = new StringBuilder("Signed updates (DSSE envelopes) verified against a root needing ")
                .append(f.updateRootThreshold()).append(" of ").append(f.updateRootKeys())
                .append(" key signatures, expiry checked, bound to hardware id ").append(f.updateHardwareId().get())
                .append(", exact length and hash, anti-rollback floor version ").append(f.antiRollbackFloor());
        d.append("; image streamed into the inactive A/B slot");
        f.updateTrialPolicy().ifPresent(t -> d.append("; trial: ").append(t));
        return yes(d.append('.').toString());
    }

    private Verdict supportPeriod() {
        if (!f.supportUntil().isPresent()) {
            return no("No support period known: carry a support-until date in the signed update metadata or"
                    + " configure it, and publish the end-of-life policy (manufacturer's step).");
        }
        LocalDate until = f.supportUntil().get();
        StringBuilder d = new StringBuilder("Security updates until ").append(until)
                .append(" (support-until date, exposed to the application)");
        f.endOfLifePolicyUrl().ifPresent(u -> d.append("; end-of-life policy published at ").append(u));
        if (until.isBefore(today)) {
            d.append("; NOTE: the support period ended, the device no longer receives updates");
        }
        return yes(d.append('.').toString());
    }

    private Verdict easyUpdates() {
        if (!f.updatesConfigured()) {
            return no("Software updates are not configured (see 4.3-1).");
        }
        if (!f.automaticUpdates()) {
            return no("Automatic updates are off: each update needs a manual step. Configure an UpdateSchedule.");
        }
        return yes("Automatic updates: checked every " + human(f.updateCheckInterval().get())
                + " with jitter and installed without user steps; each offer and install is reported to the"
                + " application (UpdateListener) to tell the user.");
    }

    private Verdict notUpdateable() {
        if (f.updatesConfigured()) {
            return notApplicable("The device's software can be updated (4.3-1).");
        }
        return no("The device's software cannot be updated and no isolation or hardware replacement is stated:"
                + " configure updates (4.3-1).");
    }

    // ---- 4.4

    private Verdict secureStorage() {
        if (!f.masterKeyKind().isPresent()) {
            return no("No encrypted keystore: credentials are not stored by the SDK.");
        }
        List<String> missing = new ArrayList<>();
        if (!f.keystorePermissionsEnforced()) {
            missing.add("the keystore accepts files readable by other users"
                    + " (KeystoreOptions.insecureAllowLoosePermissions)");
        }
        if (!f.identityGeneratedOnDevice()) {
            missing.add("the device identity was not generated on the device");
        }
        if (!missing.isEmpty()) {
            return no("Encrypted keystore, but " + String.join("; ", missing) + ".");
        }
        String caveats = "";
        if (f.masterKeyKind().get() == io.devsec.storage.MasterKeySource.Kind.DEVICE_SECRET_FILE) {
            caveats += " The master key is a device secret file beside the keystore: anyone who can read the flash can"
                    + " decrypt the keystore; a secure element or TPM through PKCS#11 (MasterKeySource.pkcs11) is"
                    + " recommended.";
        }
        caveats += f.keystoreRollbackDetected()
                ? " A restored older copy of the keystore file is detected (rollback counter in a token or TPM)."
                : " A restored older copy of the keystore file is not detected (no rollback counter configured): it"
                        + " would reset failed-login counts and the update rollback floor.";
        return yes("Keystore encrypted with AES-256-GCM per entry (entry name as associated data), master key from "
                + f.masterKeyKind().get() + ", written atomically, owner-only file permissions enforced; identity"
                + " key and password hash generated per device, no hard-coded credentials in the SDK." + caveats);
    }

    // ---- 4.5

    private Verdict encryptedTransit() {
        if (f.tlsProtocols().isEmpty()) {
            return no("No secure channel configured: configure MqttSettings (TLS) or use"
                    + " DeviceSecurity.tlsContext for the device's connections.");
        }
        if (f.tlsInsecureLegacyAllowed()) {
            return no("TLS allows legacy versions or suites (TlsSettings.insecureAllowLegacyProtocolsAndSuites):"
                    + " use TlsSettings.MODERN.");
        }
        StringBuilder d = new StringBuilder("TLS ").append(String.join(" and ", f.tlsProtocols()))
                .append(" with AEAD suites only, hostname verification on");
        if (f.mutualTls()) {
            d.append(", mutual authentication with the device identity");
        }
        if (f.tlsPinCount() > 0) {
            d.append(", ").append(f.tlsPinCount()).append(" public key pin(s)");
        }
        if (f.mqttConfigured()) {
            d.append("; ").append(f.mqttProtocol().get()).append(" over it, topic namespace ")
                    .append(f.topicNamespace().get());
        }
        return yes(d.append('.').toString());
    }

    private Verdict keyManagement() {
        if (!f.masterKeyKind().isPresent() || !f.identityGeneratedOnDevice()) {
            return no("No device identity key in an encrypted keystore: build the device with DeviceSecurity.");
        }
        StringBuilder d = new StringBuilder("Identity key generated on the device, kept in the keystore under a ")
                .append(f.masterKeyKind().get()).append(" master key, only a CSR leaves the device");
        d.append(f.certificateIssued() ? "; issued certificate installed" : "; certificate still self-signed");
        f.certificateRenewalWindow().ifPresent(w -> d.append("; renewal raised ").append(human(w))
                .append(" before expiry"));
        d.append("; update signing keys stay off the device (devsec-tools).");
        return yes(d.toString());
    }

    // ---- 4.6

    private Verdict closedPorts() {
        if (!f.listeningSocketsChecked()) {
            return no("Listening sockets were not checked: run the attack-surface report (ListeningSockets).");
        }
        if (!f.listeningSockets().isEmpty()) {
            return no("The process listens on " + String.join(", ", f.listeningSockets())
                    + ": close them or state why they are needed.");
        }
        return yes("The SDK opens no listening socket; the attack-surface check found none in the process.");
    }

    private Verdict hardwareAccess() {
        if (!f.hardwareInterfaces().isPresent()) {
            return no("Hardware is the manufacturer's: no statement configured on physical interfaces (debug"
                    + " ports, serial consoles, test points).");
        }
        return yes("Manufacturer's statement: " + f.hardwareInterfaces().get());
    }

    private Verdict unusedServices() {
        String enabled = f.enabledFeatures().isEmpty() ? "none" : String.join(", ", f.enabledFeatures());
        return yes("Every SDK feature is off until configured; enabled on this device: " + enabled + ".");
    }

    private Verdict minimalCode() {
        return yes("Signing, key generation and provisioning code lives in devsec-tools, not on the device; each"
                + " leaf module (storage, transport, update) can be used alone.");
    }

    private Verdict leastPrivilege() {
        if (!f.runsAsRoot().isPresent()) {
            return no("Whether the process runs as root is unknown: run the attack-surface report.");
        }
        if (f.runsAsRoot().get()) {
            return no("The process runs as root: run the device application as an unprivileged user.");
        }
        return yes("The process runs as an unprivileged user; keystore files are owner-only.");
    }

    // ---- 4.7

    private Verdict verifiedSoftware() {
        switch (f.integrityCheck()) {
            case PASSED:
                return yes("At start the installed software was verified against its signed update metadata"
                        + " (UpdateAgent.verifyInstalled) and matched; boot-time secure boot of the platform is the"
                        + " hardware's.");
            case FAILED:
                return no("The integrity check FAILED: the installed software does not match its signed metadata.");
            case NOT_YET_RUN:
                return no("The integrity check is configured but has not run yet.");
            case UNVERIFIABLE:
                return no("No signed metadata is known for the running image (factory image shipped without it):"
                        + " ship the factory image with its signed metadata so it can be verified at start.");
            default:
                return no("No integrity check configured: configure updates so the installed software is verified"
                        + " at start.");
        }
    }

    private Verdict integrityAlert() {
        if (f.integrityCheck() == IntegrityCheck.NOT_CONFIGURED) {
            return no("No integrity check configured (see 4.7-1).");
        }
        if (!f.integrityQuarantine() || !f.securityEvents()) {
            return no("An integrity failure is not both alerted (security event) and quarantined (transport"
                    + " limited to the alert topic).");
        }
        return yes("An integrity failure raises an INTEGRITY security event and quarantines transport: only the"
                + " alert topic stays reachable.");
    }

    // ---- 4.8

    private Optional<Verdict> personalDataDeclared() {
        if (f.personalDataUse() == PersonalDataUse.NONE) {
            return Optional.of(notApplicable("The device maker declares that the device processes no personal data."));
        }
        if (f.personalDataUse() == PersonalDataUse.UNDECLARED) {
            return Optional.of(no("Personal data use is not declared: register the purposes in a ConsentRegistry"
                    + " and show the DataUseStatement, or declare that none is processed."));
        }
        return Optional.empty();
    }

    private Verdict dataUseInformation() {
        Optional<Verdict> v = personalDataDeclared();
        if (v.isPresent()) {
            return v.get();
        }
        if (!f.dataUseStatementAvailable() || f.consentPurposes().isEmpty()) {
            return no("No data-use statement with registered purposes: register Purposes and show the"
                    + " DataUseStatement.");
        }
        return yes("DataUseStatement states what, by whom and why for each purpose: "
                + String.join(", ", f.consentPurposes()) + ".");
    }

    private Verdict validConsent() {
        Optional<Verdict> v = personalDataDeclared();
        if (v.isPresent()) {
            return v.get();
        }
        if (!f.consentRegistry() || f.consentPurposes().isEmpty()) {
            return no("No consent registry with purposes configured: register Purposes in a ConsentRegistry.");
        }
        return yes("ConsentRegistry records explicit grants per purpose (" + String.join(", ", f.consentPurposes())
                + "), persisted encrypted with times"
                + (f.consentGatedTelemetry() ? "; personal telemetry is held back until consent is given." : "."));
    }

    private Verdict withdrawConsent() {
        Optional<Verdict> v = personalDataDeclared();
        if (v.isPresent()) {
            return v.get();
        }
        if (!f.consentRegistry()) {
            return no("No consent registry configured: consent cannot be withdrawn through the SDK.");
        }
        String purposes = f.consentPurposes().isEmpty() ? "" : " (" + String.join(", ", f.consentPurposes()) + ")";
        return yes("ConsentRegistry.withdraw for each purpose" + purposes + " at any time, recorded with its time;"
                + " held personal data for the purpose is then discarded.");
    }

    // ---- 4.9

    private Verdict resilience() {
        if (!f.atomicStatePersistence()) {
            return no("Device state is not written atomically.");
        }
        return yes("State (keystore, update state, consents) is written atomically and corruption is detected"
                + (f.updatesConfigured() ? "; A/B update slots with automatic rollback" : "")
                + (f.outboxPersisted() ? "; MQTT outbox journal on disk." : "."));
    }

    private Verdict localOperation() {
        if (!f.mqttConfigured()) {
            return no("No network connection configured through the SDK: configure MqttSettings with an outbox.");
        }
        if (!f.outboxPersisted() || !f.atomicStatePersistence()) {
            return no("Messages are not kept across an outage or restart: configure an outbox folder.");
        }
        return yes("The device works locally while offline; QoS 1 messages wait in an outbox journal on disk"
                + " (checksummed, fsynced) and are sent after reconnect or restart; state survives power loss.");
    }

    private Verdict orderlyReconnect() {
        if (!f.mqttConfigured() || !f.reconnectPolicy().isPresent()) {
            return no("No network connection with a reconnect policy configured: configure MqttSettings.");
        }
        if (!f.reconnectJitter()) {
            return no("Reconnect delays are not randomised (" + f.reconnectPolicy().get() + "): use full jitter.");
        }
        return yes("Reconnect with " + f.reconnectPolicy().get() + "; outbox replayed in order after reconnect.");
    }

    // ---- 4.10

    private Verdict telemetryExamined() {
        if (!f.securityEvents() || !f.anomalyDetection()) {
            return no("No anomaly detection over security events: configure an AnomalyDetector on the"
                    + " SecurityEvents stream.");
        }
        return yes("Security events (failed logins, bad signatures, refused TLS peers, invalid input, rollback and"
                + " integrity failures) are examined by the AnomalyDetector"
                + (f.telemetryExport() ? "; exported as telemetry." : "."));
    }

    // ---- 4.11

    private Verdict deletePersonalData() {
        if (f.personalDataUse() == PersonalDataUse.NONE) {
            return notApplicable("The device maker declares that the device processes no personal data.");
        }
        if (!f.personalDataWipe()) {
            return no("No personal data wipe configured: use PersonalDataStore and PersonalDataWipe.");
        }
        return yes("PersonalDataWipe removes personal data in one call by destroying its key and deleting the"
                + " files, keeps identity and firmware, and returns a WipeReceipt confirming what was removed.");
    }

    private Verdict deletionInstructions() {
        if (f.personalDataUse() == PersonalDataUse.NONE) {
            return notApplicable("The device maker declares that the device processes no personal data.");
        }
        if (!f.personalDataWipe() || !f.dataUseStatementAvailable()) {
            return no("No deletion instructions: show the DataUseStatement and offer PersonalDataWipe.");
        }
        return yes("The DataUseStatement tells the consumer that all personal data can be deleted at any time and"
                + " how; the wipe receipt confirms it.");
    }

    // ---- 4.12

    private Verdict easyInstallation() {
        StringBuilder d = new StringBuilder("One DeviceSecurity builder with secure defaults: identity, password and"
                + " keystore are set up at first start without user steps; status() and this statement say what is"
                + " configured and what is missing");
        if (!f.insecureOptions().isEmpty()) {
            d.append("; WARNING: insecure opt-ins in use: ").append(String.join(", ", f.insecureOptions()));
        }
        return yes(d.append('.').toString());
    }

    // ---- 4.13

    private Verdict inputValidation() {
        if (f.inputValidators() == 0) {
            return no("No validators registered for application input: register schemas and topic rules in a"
                    + " ValidatorRegistry.");
        }
        if (f.mqttConfigured() && !f.mqttInboundValidated()) {
            return no("Inbound MQTT messages reach the application without validation: set MqttSettings.validator.");
        }
        return yes(f.inputValidators() + " validator(s) check application input under strict JSON limits"
                + (f.mqttConfigured() ? "; every inbound MQTT message is validated before the application sees it"
                        : "")
                + "; passwords, provisioning records and update metadata are parsed strictly with limits.");
    }

    static String human(Duration d) {
        long s = d.getSeconds();
        if (s % 86400 == 0) {
            return (s / 86400) + " d";
        }
        if (s % 3600 == 0) {
            return (s / 3600) + " h";
        }
        if (s % 60 == 0) {
            return (s / 60) + " min";
        }
        return s + " s";
    }
}
