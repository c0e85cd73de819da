package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.provisioning.ProvisioningRecord;
import io.devsec.testkit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failed logins and lockouts are logged at WARN through SLF4J, and no password ever reaches the log. */
class SecurityLoggingTest {

    @TempDir
    Path dir;

    @Test
    void failuresLockoutResetAndChange_loggedAtWarn_withoutAnyPassword() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-15T10:00:00Z"));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        String label = "tmkp7fr3wc9ahxy4ud";
        String wrong = "guessing-the-password-42";
        String rejected = "rootxc3511 is my choice";
        String chosen = "violet kettle under seven bridges";
        char[] reset;
        String deviceId;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Path record = dir.resolve("record.json");
            ProvisioningRecord.of("SN-77", label.toCharArray()).write(record);
            try (DeviceSecurity device = DeviceSecurity.builder().dataFolder(dir.resolve("data")).productName("Acme Hub")
                    .provisioningRecord(record).clock(clock).ticker(clock::nanos)
                    .loginThrottle(LoginThrottle.builder().freeFailures(2).maxFailures(4).build()).build()) {
                deviceId = device.deviceId();
                device.login(label.toCharArray());
                assertThatThrownBy(() -> device.changePassword(label.toCharArray(), rejected.toCharArray()))
                        .isInstanceOf(PasswordRejectedException.class);
                device.changePassword(label.toCharArray(), chosen.toCharArray());
                for (int i = 0; i < 4; i++) {
                    assertThatThrownBy(() -> device.login(wrong.toCharArray())).isInstanceOf(LoginException.class);
                    clock.advance(Duration.ofHours(1));
                }
                assertThatThrownBy(() -> device.login(chosen.toCharArray())).isInstanceOf(LoginLockedException.class);
                reset = device.factoryReset(IdentityRotation.KEEP).password();
                device.login(reset);
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("WARN").contains("Failed login on device " + deviceId)
                .contains("LOCKED").contains("Refused login on locked device").contains("Factory reset of device");
        assertThat(log).doesNotContain(label).doesNotContain(wrong).doesNotContain(rejected).doesNotContain(chosen)
                .doesNotContain(new String(reset));
    }
}
