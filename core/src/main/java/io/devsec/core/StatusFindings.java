package io.devsec.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The health check of {@link DeviceSecurity#status()} (provision 4.12). */
final class StatusFindings {

    private StatusFindings() {}

    /** The health check: plain words, most urgent first. Called with the facade lock held. */
    static List<DeviceStatus.Finding> findings(DeviceSecurity facade, boolean selfSigned, Instant notAfter, boolean initialPassword,
            boolean locked, int failures, Instant now, DeviceStatus.SoftwareIntegrity checked, long alerts) {
        List<DeviceStatus.Finding> problems = new ArrayList<>();
        List<DeviceStatus.Finding> actions = new ArrayList<>();
        List<DeviceStatus.Finding> ok = new ArrayList<>();
        DeviceStatus.Finding.Level okLevel = DeviceStatus.Finding.Level.OK;
        DeviceStatus.Finding.Level act = DeviceStatus.Finding.Level.ACTION;
        DeviceStatus.Finding.Level bad = DeviceStatus.Finding.Level.PROBLEM;
        // integrity
        switch (checked) {
            case COMPROMISED:
                problems.add(new DeviceStatus.Finding(bad, "integrity", "Device compromised: the installed software does "
                        + "not match its signed metadata. MQTT is quarantined (only " + facade.alertTopic
                        + " is reachable): install a valid update"));
                break;
            case VERIFIED:
                ok.add(new DeviceStatus.Finding(okLevel, "integrity", "Installed software matches its signed metadata"));
                break;
            case UNVERIFIABLE:
                actions.add(new DeviceStatus.Finding(act, "integrity", "Installed software cannot be verified: no signed "
                        + "metadata for the running version (for a factory image: set UpdateSettings.builder(...)"
                        + ".factoryMetadata(...))"));
                break;
            default:
                break;
        }
        // login
        if (locked) {
            problems.add(new DeviceStatus.Finding(bad, "login", "Login locked after " + failures
                    + " failed attempts: unlock on physical presence (device.unlockLoginAfterPhysicalPresence(), keeps data)"
                    + " or factory reset (device.factoryReset(...))"));
        } else if (failures > 0) {
            actions.add(new DeviceStatus.Finding(act, "login", failures + " failed login attempt(s) in a row"));
        }
        // certificate
        String subjectProblem = io.devsec.core.internal.CertificateSubjects.problem(facade.chain.get(0), facade.deviceId);
        if (subjectProblem != null) {
            actions.add(new DeviceStatus.Finding(act, "certificate", "The certificate's subject does not name the device id "
                    + facade.deviceId + " as CN (" + subjectProblem + "): a broker that takes the CN as the MQTT user name "
                    + "(Mosquitto use_identity_as_username, ACL devices/%u/#) refuses every publish (MQTT 5 reason code "
                    + "135). Fine only if your broker maps the certificate another way; otherwise have the CA issue "
                    + "CN=" + facade.deviceId + " and install it with device.installCertificateChain(...)"));
        }
        if (selfSigned) {
            actions.add(new DeviceStatus.Finding(act, "certificate", "No issued certificate: send "
                    + "device.certificateSigningRequestPem() to your CA, then device.installCertificateChain(...)"));
        } else if (now.plus(Duration.ofDays(MqttSettings.DEFAULT_RENEWAL_DAYS)).isAfter(notAfter)) {
            actions.add(new DeviceStatus.Finding(act, "certificate", "Certificate expires " + notAfter
                    + ": renew it (same CSR) and install it with device.installCertificateChain(...)"));
        } else {
            ok.add(new DeviceStatus.Finding(okLevel, "certificate", "Issued certificate installed, valid until " + notAfter));
        }
        // password
        if (initialPassword) {
            actions.add(new DeviceStatus.Finding(act, "password", "Initial label password still in use: "
                    + "change it with device.changePassword(...)"));
        } else {
            ok.add(new DeviceStatus.Finding(okLevel, "password", "Password changed by the user"));
        }
        // keystore
        if (facade.keystore.masterKeyKind() == io.devsec.storage.MasterKeySource.Kind.PKCS11_TOKEN) {
            ok.add(new DeviceStatus.Finding(okLevel, "keystore", "Keystore encrypted under a key in a secure element"));
        } else if (facade.keystore.masterKeyKind() == io.devsec.storage.MasterKeySource.Kind.DEVICE_SECRET_FILE) {
            actions.add(new DeviceStatus.Finding(act, "keystore", "Keystore master key is the device secret file beside"
                    + " it: anyone who can read the flash can decrypt the keystore; keep the master key in a secure"
                    + " element or TPM through PKCS#11 (MasterKeySource.pkcs11(...))"));
        } else {
            ok.add(new DeviceStatus.Finding(okLevel, "keystore", "Keystore encrypted (master key: "
                    + facade.keystore.masterKeyKind() + "; a secure element via PKCS#11 protects it better)"));
        }
        if (facade.keystore.rollbackProtected()) {
            ok.add(new DeviceStatus.Finding(okLevel, "keystore", "A restored older copy of the keystore is detected"
                    + " (rollback counter in a token or TPM)"));
        } else {
            actions.add(new DeviceStatus.Finding(act, "keystore", "A restored older copy of the keystore is not"
                    + " detected (it would reset failed-login counts and the update rollback floor): set"
                    + " builder.rollbackProtection(RollbackProtection.pkcs11(...) or .tpm2NvCounter(...))"));
        }
        // updates
        if (facade.agents.isEmpty()) {
            actions.add(new DeviceStatus.Finding(act, "updates", "Automatic updates off: call device.startUpdates(...)"));
        } else if (!facade.automaticUpdatesOn()) {
            actions.add(new DeviceStatus.Finding(act, "updates", "Automatic updates switched off: "
                    + "agent.setAutomaticUpdates(true)"));
        } else {
            ok.add(new DeviceStatus.Finding(okLevel, "updates", "Signed automatic updates on"));
        }
        // disclosure
        if (!facade.disclosurePolicy.isPresent()) {
            actions.add(new DeviceStatus.Finding(act, "disclosure", "No disclosure policy: set "
                    + "builder.disclosurePolicy(...) so vulnerabilities can be reported"));
        } else if (!now.isBefore(facade.disclosurePolicy.get().expires())) {
            problems.add(new DeviceStatus.Finding(bad, "disclosure", "security.txt expired on "
                    + facade.disclosurePolicy.get().expires() + ": publish a new disclosure policy"));
        } else {
            ok.add(new DeviceStatus.Finding(okLevel, "disclosure", "Disclosure policy set (security.txt until "
                    + facade.disclosurePolicy.get().expires() + ")"));
        }
        // telemetry
        if (facade.telemetry.isEmpty()) {
            actions.add(new DeviceStatus.Finding(act, "telemetry", "Security events are not sent anywhere: call "
                    + "device.publishSecurityTelemetry(client) or subscribe an exporter to device.events()"));
        } else {
            ok.add(new DeviceStatus.Finding(okLevel, "telemetry", "Security events and alerts published over MQTT"));
        }
        if (alerts > 0) {
            actions.add(new DeviceStatus.Finding(act, "telemetry", alerts
                    + " anomaly alert(s) raised: see device.events().recentAlerts()"));
        }
        // privacy
        if (facade.consents == null) {
            ok.add(new DeviceStatus.Finding(okLevel, "privacy", "No personal data purposes configured"));
        } else {
            int granted = 0;
            for (io.devsec.core.privacy.ConsentRecord r : facade.consents.records()) {
                if (r.state() == io.devsec.core.privacy.ConsentState.GRANTED) {
                    granted++;
                }
            }
            ok.add(new DeviceStatus.Finding(okLevel, "privacy", facade.purposes.size() + " personal data purpose(s), "
                    + granted + " with consent; personal data is held until the consumer consents"));
        }
        List<DeviceStatus.Finding> all = new ArrayList<>(problems);
        all.addAll(actions);
        all.addAll(ok);
        return all;
    }
}
