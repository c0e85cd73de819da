package io.devsec.tools.evidence;

import io.devsec.core.DeviceSecurity;
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

    final UpdateCheckFactory updateCheck;
    final TlsSettings tls;
    final Wiper wiper;
    final StartHook start;
    final ReconnectPolicy reconnect;

    /**
     * @param updateCheck the update check under test
     * @param tls the TLS settings of the device's connections
     * @param wiper the personal data wipe
     * @param start what the application starts once the device is open
     */
    public Seams(UpdateCheckFactory updateCheck, TlsSettings tls, Wiper wiper, StartHook start) {
        this(updateCheck, tls, wiper, start, ReconnectPolicy.DEFAULT);
    }

    private Seams(UpdateCheckFactory updateCheck, TlsSettings tls, Wiper wiper, StartHook start,
            ReconnectPolicy reconnect) {
        this.updateCheck = updateCheck;
        this.tls = tls;
        this.wiper = wiper;
        this.start = start;
        this.reconnect = reconnect;
    }

    /** A copy with another MQTT reconnect policy. */
    public Seams withReconnect(ReconnectPolicy p) {
        return new Seams(updateCheck, tls, wiper, start, p);
    }

    /** DevSec's own mechanisms: the update verifier, TlsSettings.MODERN, wipePersonalData, nothing started. */
    public static Seams sdk() {
        return new Seams(Seams::sdkUpdateCheck, TlsSettings.MODERN, (d, f) -> d.wipePersonalData(), d -> () -> { });
    }

    /** A copy with another update check. */
    public Seams withUpdateCheck(UpdateCheckFactory f) {
        return new Seams(f, tls, wiper, start, reconnect);
    }

    /** A copy with other TLS settings. */
    public Seams withTls(TlsSettings s) {
        return new Seams(updateCheck, s, wiper, start, reconnect);
    }

    /** A copy with another wipe. */
    public Seams withWiper(Wiper w) {
        return new Seams(updateCheck, tls, w, start, reconnect);
    }

    /** A copy with a start hook. */
    public Seams withStart(StartHook h) {
        return new Seams(updateCheck, tls, wiper, h, reconnect);
    }

    static UpdateCheck sdkUpdateCheck(byte[] root, String hardwareId, long floor, Clock clock) {
        UpdateVerifier v = UpdateVerifier.builder().initialRoot(root).trustedRootStore(TrustedRootStore.inMemory())
                .rollbackCounter(RollbackCounter.inMemory(floor)).hardwareId(hardwareId).clock(clock).build();
        return v::verifyMetadata;
    }
}
