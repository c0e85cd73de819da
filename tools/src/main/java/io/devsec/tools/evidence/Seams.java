package io.devsec.tools.evidence;

import io.devsec.core.DeviceSecurity;
import io.devsec.core.UpdateSettings;
import io.devsec.core.privacy.ConsentGate;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.update.UpdateAgent;
import io.devsec.core.privacy.WipeReceipt;
import io.devsec.transport.ReconnectPolicy;
import io.devsec.transport.TlsSettings;
import io.devsec.update.RollbackCounter;
import io.devsec.update.TrustedRootStore;
import io.devsec.update.UpdateVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;

/**
 * What the cases exercise, replaceable so that tests can build deliberately broken devices and prove that the
 * matching case reports FAIL. The CLI uses {@link #sdk()}: DevSec's own update verifier, its modern TLS settings,
 * its personal data wipe, nothing started after opening the device.
 */
public final class Seams {
    /** An update check: returns normally when the update is accepted, throws when refused. */
    @FunctionalInterface
    public interface UpdateCheck {
        void verify(byte[] updateEnvelope, long installedVersion) throws IOException, GeneralSecurityException;
    }

    /** Makes the update check a device with this trusted root, hardware id and rollback floor would run. */
    @FunctionalInterface
    public interface UpdateCheckFactory {
        UpdateCheck create(byte[] rootEnvelope, String hardwareId, long rollbackFloor, Clock clock);
    }

    /** Erases the personal data of the opened twin. */
    @FunctionalInterface
    public interface Wiper {
        WipeReceipt wipe(DeviceSecurity device, Path twinFolder) throws Exception;
    }

    /** Runs after the twin is opened, as the application's start would. */
    @FunctionalInterface
    public interface StartHook {
        AutoCloseable start(DeviceSecurity device) throws Exception;
    }

    /** Starts the update agent (whose start runs the software integrity check) as the application would. */
    @FunctionalInterface
    public interface UpdateStart {
        UpdateAgent start(DeviceSecurity device, UpdateSettings settings) throws Exception;
    }

    /** Sends one telemetry message carrying personal data for a purpose, as the application would. */
    @FunctionalInterface
    public interface PersonalSender {
        ConsentGate.Decision send(DeviceSecurity device, DeviceMqttClient client, String purposeId, String topicSuffix,
                byte[] payload) throws Exception;
    }

    final UpdateCheckFactory updateCheck;
    final TlsSettings tls;
    final Wiper wiper;
    final StartHook start;
    final ReconnectPolicy reconnect;
    final UpdateStart updateStart;
    final PersonalSender personalSender;

    /**
     * @param updateCheck the update check under test
     * @param tls the TLS settings of the device's connections
     * @param wiper the personal data wipe
     * @param start what the application starts once the device is open
     */
    public Seams(UpdateCheckFactory updateCheck, TlsSettings tls, Wiper wiper, StartHook start) {
        this(updateCheck, tls, wiper, start, ReconnectPolicy.DEFAULT, DeviceSecurity::startUpdates,
                Seams::sdkPersonalSend);
    }

    private Seams(UpdateCheckFactory updateCheck, TlsSettings tls, Wiper wiper, StartHook start,
            ReconnectPolicy reconnect, UpdateStart updateStart, PersonalSender personalSender) {
        this.updateCheck = updateCheck;
        this.tls = tls;
        this.wiper = wiper;
        this.start = start;
        this.reconnect = reconnect;
        this.updateStart = updateStart;
        this.personalSender = personalSender;
    }

    /** A copy with another MQTT reconnect policy. */
    public Seams withReconnect(ReconnectPolicy p) {
        return new Seams(updateCheck, tls, wiper, start, p, updateStart, personalSender);
    }

    /**
     * DevSec's own mechanisms: the update verifier, TlsSettings.MODERN, wipePersonalData, nothing started,
     * startUpdates (with its integrity check at start), personal telemetry through the consent gate.
     */
    public static Seams sdk() {
        return new Seams(Seams::sdkUpdateCheck, TlsSettings.MODERN, (d, f) -> d.wipePersonalData(), d -> () -> { });
    }

    /** A copy with another update check. */
    public Seams withUpdateCheck(UpdateCheckFactory f) {
        return new Seams(f, tls, wiper, start, reconnect, updateStart, personalSender);
    }

    /** A copy with other TLS settings. */
    public Seams withTls(TlsSettings s) {
        return new Seams(updateCheck, s, wiper, start, reconnect, updateStart, personalSender);
    }

    /** A copy with another wipe. */
    public Seams withWiper(Wiper w) {
        return new Seams(updateCheck, tls, w, start, reconnect, updateStart, personalSender);
    }

    /** A copy with a start hook. */
    public Seams withStart(StartHook h) {
        return new Seams(updateCheck, tls, wiper, h, reconnect, updateStart, personalSender);
    }

    /** A copy with another way of starting updates (and the integrity check that runs at start). */
    public Seams withUpdateStart(UpdateStart u) {
        return new Seams(updateCheck, tls, wiper, start, reconnect, u, personalSender);
    }

    /** A copy with another way of sending personal telemetry. */
    public Seams withPersonalSender(PersonalSender p) {
        return new Seams(updateCheck, tls, wiper, start, reconnect, updateStart, p);
    }

    static ConsentGate.Decision sdkPersonalSend(DeviceSecurity d, DeviceMqttClient client, String purposeId,
            String topicSuffix, byte[] payload) throws Exception {
        return d.personalTelemetry(client)
                .orElseThrow(() -> new IllegalStateException("no consent purposes configured"))
                .offer(purposeId, topicSuffix, payload);
    }

    static UpdateCheck sdkUpdateCheck(byte[] root, String hardwareId, long floor, Clock clock) {
        UpdateVerifier v = UpdateVerifier.builder().initialRoot(root).trustedRootStore(TrustedRootStore.inMemory())
                .rollbackCounter(RollbackCounter.inMemory(floor)).hardwareId(hardwareId).clock(clock).build();
        return v::verifyMetadata;
    }
}
