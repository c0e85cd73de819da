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
