package io.devsec.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {

    @TempDir
    Path temp;

    @Test
    void demo_tellsTheWholeStoryAndExitsZero() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        int code = Demo.run(new String[] {"--data", temp.toString()}, new PrintStream(buffer, true, StandardCharsets.UTF_8));

        String output = buffer.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isZero();
        assertThat(output)
                .contains("First start", "Second start", "same as before: true", "'admin' refused",
                        "Label password:     accepted", "refused:", "accepted", "Status report",
                        "Demo finished: every step behaved as expected.")
                .doesNotContain("DEMO FAILED");
        assertThat(output)
                .contains("issued by CN=Acme Device CA", "Device connected:", "acknowledged by the broker",
                        "Cloud received:     {\"power_w\": 3.2}", "Refused locally:", "Renewal event:",
                        "the live connection switched to it", "Cloud received:     {\"power_w\": 3.3} after renewal",
                        "trusted root stored in the keystore: true", "version 2 failed its health check: rolled back at once",
                        "version 1 again (slot A)", "Confirmed:          version 3 runs; anti-rollback floor in the keystore: 3",
                        "Tampered image:     refused (ImageHashException", "still running version 3",
                        "Replayed version 2: refused (RollbackException: installed 3, floor 3, offered 2)",
                        "installed 2, rolled back to 1 (health check failed: IllegalStateException: the plug's relay self-test failed), installed 3, confirmed 3, refused ImageHashException, "
                                + "refused RollbackException");
        // Consent-gated telemetry: held before consent, released on consent, dropped after withdrawal.
        assertThat(output)
                .contains("How Acme Smart Plug uses personal data", "energy-history",
                        "No decision yet:    energy reading HELD on the device, sealed; 1 held, nothing sent",
                        "Consent GRANTED:    the held reading was released; cloud received {\"kwh_today\": 1.42}",
                        "With consent:       next reading SEND; cloud received {\"kwh_today\": 1.57}",
                        "Consent WITHDRAWN:  the next reading was DROPPED on the device; the cloud received nothing more")
                .doesNotContain("{\"kwh_today\": 1.60}");
        // Integrity failure at start: event, alert to the cloud, compromised until a valid update is confirmed.
        assertThat(output)
                .contains("Tampering:          one bit flipped in slots/slot-b/image (version 3, running)",
                        "Integrity check:    COMPROMISED: version 3 in slot B does not match its signed metadata "
                                + "(ImageHashException)",
                        "/security/alerts {\"kind\":\"event\",\"type\":\"INTEGRITY_FAILURE\"",
                        "Status finding:     Device compromised",
                        "Quarantine:         telemetry refused on the device; only devices/ds-",
                        "Recovered:          signed version 4 installed and confirmed; integrity VERIFIED, compromised: false; "
                                + "quarantine lifted, cloud received {\"power_w\": 3.4}");
        // Personal-data wipe with its receipt; identity and firmware kept.
        assertThat(output)
                .contains("| Keys destroyed: privacy/personal-data-key", "| Consent records cleared: 1",
                        "| Device identity and firmware were kept.",
                        "After the wipe:     personal data items 0, consent NOT_GIVEN, device id unchanged: true, "
                                + "anti-rollback floor 4");
        // The conformance statement at the end, with a row per provision.
        assertThat(output)
                .contains("Conformance statement (TS 103 645 V1.1.1, EN 303 645 V2.1.1 and V3.1.3, UK PSTI)",
                        "ETSI TS 103 645 V1.1.1 (2019-02), by clause", "| 4.13 | Validate input data |",
                        "ETSI EN 303 645 V2.1.1 (2020-06), Table B.1", "| 5.1-1 | M C (1) | Y |", "| 6-5 | M C (6) |",
                        "Mandatory (33): ", "UK PSTI (SI 2023/1007), Schedule 1", "Declared by Jane Doe");
        // The demo ends with TS 103 645 V1.1.1 by clause, the EN 303 645 V3 summary, the PSTI facts and the evidence.
        assertThat(output).containsSubsequence("ETSI EN 303 645 V2.1.1 (2020-06), Table B.1",
                "ETSI TS 103 645 V1.1.1 (2019-02), by clause", "| 4.1 | No universal default passwords |",
                "| 4.13 | Validate input data |",
                "ETSI EN 303 645 V3.1.3 (2024-09) (= ETSI TS 103 645 V3.1.1), statement summary",
                "5.0-1 ", "5.1-2A ", "6-6 ", "(status unverified)", "Mandatory (36): ", "Recommended (42): ",
                "UK PSTI (SI 2023/1007), Schedule 1", "Evidence summary", "EN 18031-1:2024",
                "devsec evidence --data", "Demo finished");
        assertThat(output).contains("5.1-2A Y (status unverified)", "5.5-1 Y", "6-7 N/A");
        assertThat(output).containsSubsequence("1. At the factory", "2. First start", "7. The device CA issues",
                "8. Mutual TLS", "10. Telemetry with personal data", "12. Update to version 2",
                "13. Update to version 3", "14. Attacks refused", "15. Integrity failure: the installed firmware is modified; the device alerts and is quarantined",
                "16. The owner passes the plug on", "17. Conformance statement", "Demo finished");
        assertThat(output.indexOf("Cloud received")).isLessThan(output.indexOf("Renewal event"));
        assertThat(output.indexOf("rolled back to 1")).isLessThan(output.indexOf("confirmed 3"));
        assertThat(temp.resolve("plug/" + io.devsec.core.UpdateSettings.DEFAULT_SLOTS_FOLDER + "/boot-state")).exists();
        assertThat(temp.resolve("plug/" + io.devsec.core.MqttSettings.DEFAULT_OUTBOX_FOLDER)).isDirectory();
        assertThat(temp.resolve("plug/device.keystore")).exists();
        assertThat(Files.list(temp.resolve("factory"))).isEmpty();
        Path personal = temp.resolve("plug/" + io.devsec.core.privacy.PersonalDataStore.FOLDER);
        if (Files.exists(personal)) {
            assertThat(personal).as("no personal data left after the wipe").isEmptyDirectory();
        }
    }

    @Test
    void demo_unknownArguments_printUsageAndExitTwo() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        int code = Demo.run(new String[] {"--bogus"}, new PrintStream(buffer, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(2);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("usage:");
    }
}
