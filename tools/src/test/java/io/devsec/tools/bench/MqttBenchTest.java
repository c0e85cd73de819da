package io.devsec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.testkit.Requirements;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MqttBenchTest {
    static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    /** The bench's default mosquitto, or a skip with the install command (a failure when CI=true). */
    static void requireMosquitto() {
        Requirements.requireExecutable("mosquitto", MOSQUITTO.toString());
    }

    @Test
    void benchMqtt_smallRun_reportsPahoBlockingAndAsyncDevSecWithWhatEachSideDoes() {
        requireMosquitto();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("mqtt", "--messages", "300", "--runs", "1", "--publishers", "4", "--queue", "100");
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        assertThat(out.toString())
                .contains("bare Paho v5: 1 application thread, 10 messages in flight").contains("TCP_NODELAY like DevSec")
                .contains("DevSec publish(): 4 application threads, each call returns after its message is encrypted and fsynced")
                .contains("DevSec publishAsync(): 1 application thread, up to 100 queued; each message encrypted and queued")
                .contains("in flight: DevSec's default maxInflight " + io.devsec.transport.DeviceMqttClient.DEFAULT_MAX_INFLIGHT
                        + " capped by the broker's Receive Maximum")
                .containsPattern("ratio DevSec publish\\(\\) \\(MQTT_5\\) / bare Paho throughput: [0-9]+\\.[0-9]{2}x "
                        + "\\(target >= 0.95x\\): (MET|MISSED)")
                .containsPattern("ratio DevSec publishAsync\\(\\) \\(MQTT_5\\) / bare Paho throughput: [0-9]+\\.[0-9]{2}x "
                        + "\\(target >= 0.95x\\): (MET|MISSED)");
    }

    @Test
    void benchMqtt_sides_runsOnlyTheNamedSidesAndGivesNoRatioWithoutPaho() {
        requireMosquitto();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("mqtt", "--messages", "200", "--runs", "1", "--warmups", "0", "--sides", "async,async-uncoalesced");
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        assertThat(out.toString()).containsPattern("run 1: async [0-9]+ msg/s async-uncoalesced [0-9]+ msg/s")
                .containsPattern("DevSec publishAsync\\(\\) \\(MQTT_5, write coalescing off\\) +[0-9]+ msg/s")
                .containsPattern("DevSec publishAsync\\(\\) \\(MQTT_5\\) +[0-9]+ msg/s")
                .doesNotContain("bare Paho v5  ").doesNotContain("DevSec publish() (").doesNotContain("ratio");
    }

    @Test
    void peak_countsAttemptsInTheBusiestSlidingWindow() {
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        List<Long> t = List.of(0L, 50 * ms, 99 * ms, 100 * ms, 500 * ms, 1400 * ms);
        assertThat(ReconnectBench.peak(t, 100 * ms)).isEqualTo(3); // 0, 50, 99 (100 is outside [0, 100))
        assertThat(ReconnectBench.peak(t, TimeUnit.SECONDS.toNanos(1))).isEqualTo(5);
        assertThat(ReconnectBench.peak(List.of(), 100 * ms)).isZero();
    }
}
