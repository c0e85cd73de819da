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
                        "trusted root stored in the keystore: true", "version 2 on trial; health check failed",
                        "running version 1 again", "Confirmed:          version 3 runs; anti-rollback floor in the keystore: 3",
                        "Tampered image:     refused (ImageHashException", "still running version 3",
                        "Replayed version 2: refused (RollbackException: installed 3, floor 3, offered 2)",
                        "installed 2, rolled back to 1, installed 3, confirmed 3, refused ImageHashException, "
                                + "refused RollbackException");
        assertThat(output.indexOf("Cloud received")).isLessThan(output.indexOf("Renewal event"));
        assertThat(output.indexOf("rolled back to 1")).isLessThan(output.indexOf("confirmed 3"));
        assertThat(temp.resolve("plug/" + io.devsec.core.UpdateSettings.DEFAULT_SLOTS_FOLDER + "/boot-state")).exists();
        assertThat(temp.resolve("plug/" + io.devsec.core.MqttSettings.DEFAULT_OUTBOX_FOLDER)).isDirectory();
        assertThat(temp.resolve("plug/device.keystore")).exists();
        assertThat(Files.list(temp.resolve("factory"))).isEmpty();
    }

    @Test
    void demo_unknownArguments_printUsageAndExitTwo() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        int code = Demo.run(new String[] {"--bogus"}, new PrintStream(buffer, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(2);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("usage:");
    }
}
