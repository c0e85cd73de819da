package io.devsec.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewaySampleTest {

    @TempDir
    Path temp;

    @Test
    void gateway_forwardsValidReadings_refusesInvalidOnes_andExitsZero() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        int code = GatewaySample.run(new String[] {"--data", temp.toString()},
                new PrintStream(buffer, true, StandardCharsets.UTF_8));

        String output = buffer.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isZero();
        assertThat(output)
                .contains("Connected:", "Paired:             therm-kitchen", "Paired:             door-front",
                        "self-signed one replaced: true")
                .contains("therm-kitchen {\"seq\":1,\"celsius\":21.5} -> devices/ds-")
                .contains("\"metrics\":{\"sensor\":\"door-front\",\"sensor_seq\":1,\"open\":false}")
                .contains("therm-garage  {\"seq\":2,\"celsius\":900}", "refused: OUT_OF_RANGE at $.celsius",
                        "refused: WRONG_TYPE at $.open", "refused: UNKNOWN_FIELD at $.wifi", "refused: MALFORMED at $",
                        "refused: DUPLICATE_KEY at $.seq", "rogue-sensor  {", "refused: NO_VALIDATOR at topic",
                        "refused: INVALID_TOPIC at topic")
                .contains("Security events:    7 x INVALID_INPUT, reasons [OUT_OF_RANGE, WRONG_TYPE, UNKNOWN_FIELD, MALFORMED, "
                                + "DUPLICATE_KEY, NO_VALIDATOR, INVALID_TOPIC]",
                        "Cloud received:     6 readings in all, every one valid DevSec telemetry; none of the 7 refused",
                        "Gateway sample finished")
                .doesNotContain("FAILED");
        // The refused values never appear in a refusal or an event (only the sensor's own line shows them).
        assertThat(output.lines().filter(l -> l.contains("refused:")))
                .noneMatch(l -> l.contains("hunter2") || l.contains("900") || l.contains("yes"));
        assertThat(temp.resolve("gateway/device.keystore")).exists();
    }

    @Test
    void gateway_unknownArguments_printUsageAndExitTwo() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        int code = GatewaySample.run(new String[] {"--what"}, new PrintStream(buffer, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(2);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("usage:");
    }
}
