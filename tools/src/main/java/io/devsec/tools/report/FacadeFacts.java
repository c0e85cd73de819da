package io.devsec.tools.report;

import io.devsec.core.DeviceSecurity;
import io.devsec.core.DeviceStatus;
import io.devsec.core.conformance.ConformanceFacts;
import io.devsec.core.conformance.ConformanceFacts.PasswordOrigin;
import io.devsec.storage.KeystoreException;

/**
 * Fills {@link ConformanceFacts} from what a device opened from its data folder exposes through the facade's
 * status: identity, password origin, login throttle, keystore. Features configured only at run time by the
 * device application (MQTT, updates, consent purposes, validators) are not known here and stay "not configured".
 */
final class FacadeFacts {

    private FacadeFacts() {}

    static ConformanceFacts of(DeviceSecurity device) throws KeystoreException {
        DeviceStatus status = device.status();
        PasswordOrigin origin;
        if (!status.initialPasswordInUse()) {
            origin = PasswordOrigin.CHANGED_BY_USER;
        } else if (status.serialNumber().isPresent()) {
            origin = PasswordOrigin.PROVISIONED_LABEL;
        } else {
            origin = PasswordOrigin.GENERATED_ON_DEVICE;
        }
        ConformanceFacts.Builder b = ConformanceFacts.builder(status.productName(), status.deviceId())
                .passwordOrigin(origin)
                .passwordHashing("Argon2id hash in the encrypted keystore")
                .passwordPolicy("PasswordPolicy (length, blocklist of default, breached and context words)")
                .loginThrottle(status.maxFailedLogins(), true)
                .factoryResetRegeneratesPassword(true)
                .masterKeyKind(status.masterKeyKind())
                .keystorePermissionsEnforced(true)
                .identityGeneratedOnDevice(true)
                .certificateIssued(!status.certificateSelfSigned())
                .atomicStatePersistence(true);
        status.serialNumber().ifPresent(b::serialNumber);
        return b.build();
    }
}
