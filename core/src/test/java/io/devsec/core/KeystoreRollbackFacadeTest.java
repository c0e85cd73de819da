package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.events.SecurityEvent;
import io.devsec.core.events.SecurityEvents;
import io.devsec.storage.KeystoreRollbackException;
import io.devsec.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9.2 through the facade: an attacker who copies the keystore file back after failed logins gets
 * the failure count reset (unlimited guessing) unless a rollback counter is configured.
 */
class KeystoreRollbackFacadeTest {
    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock(Instant.parse("2026-01-15T10:00:00Z"));
    static final char[] WRONG = "definitely not the password".toCharArray();

    private Path keystore() {
        return dir.resolve("data").resolve(DeviceSecurity.KEYSTORE_FILE);
    }

    private void failLogins(DeviceSecurity device, int n) {
        for (int i = 0; i < n; i++) {
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(WrongPasswordException.class);
            clock.advance(Duration.ofHours(1));
        }
    }

    @Test
    void build_olderKeystoreCopy_throwsKeystoreRollbackException_andPublishesCriticalEvent() throws Exception {
        InMemoryRollbackCounter counter = new InMemoryRollbackCounter();
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        DeviceSecurity.Builder builder = DeviceSecurity.builder().dataFolder(dir.resolve("data")).productName("Acme Lock")
                .clock(clock).ticker(clock::nanos).securityEvents(events).rollbackProtection(counter);
        try (DeviceSecurity device = builder.build()) {
            failLogins(device, 2);
        }
        Files.copy(keystore(), dir.resolve("copy"));
        try (DeviceSecurity device = builder.build()) {
            failLogins(device, 6);
            assertThat(device.status().consecutiveFailedLogins()).isEqualTo(8);
        }
        Files.copy(dir.resolve("copy"), keystore(), StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(builder::build).isInstanceOfSatisfying(KeystoreRollbackException.class,
                e -> assertThat(e.fileVersion()).isLessThan(e.protectedVersion()));
        assertThat(events.recentEvents()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(SecurityEvent.Type.ROLLBACK_ATTEMPT);
            assertThat(e.severity()).isEqualTo(io.devsec.core.events.Severity.CRITICAL);
            assertThat(e.attributes()).containsEntry("item", "keystore");
        });
    }

    @Test
    void withoutRollbackProtection_statusAndConformanceSayRestoredCopyIsNotDetected_andDeviceSecretFileIsReadable()
            throws Exception {
        try (DeviceSecurity device = DeviceSecurity.builder().dataFolder(dir.resolve("data")).productName("Acme Lock")
                .clock(clock).build()) {
            String status = device.status().toText();
            assertThat(status).contains("restored older copy of the keystore is not detected")
                    .contains("anyone who can read the flash can decrypt the keystore");
            String statement = device.conformanceStatement().toMarkdown();
            assertThat(statement).contains("restored older copy of the keystore file is not detected")
                    .contains("anyone who can read the flash can decrypt the keystore");
        }
        try (DeviceSecurity device = DeviceSecurity.builder().dataFolder(dir.resolve("data2")).productName("Acme Lock")
                .clock(clock).rollbackProtection(new InMemoryRollbackCounter()).build()) {
            assertThat(device.status().toText()).contains("restored older copy of the keystore is detected");
            io.devsec.core.conformance.Evidence e = device.conformanceFacts().evidence()
                    .get(io.devsec.core.conformance.Mechanism.KEYSTORE_ROLLBACK_DETECTION);
            assertThat(e.holds()).isTrue();
            assertThat(e.detail()).contains("a restored older copy of the file is refused");
        }
    }
}
