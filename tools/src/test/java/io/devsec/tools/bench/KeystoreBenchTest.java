package io.devsec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeystoreBenchTest {
    @TempDir
    Path dir;

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        return out.toString();
    }

    @Test
    void benchKeystore_printsMediansP99AndRatios_andCleansUp() throws Exception {
        String out = run("keystore", "--entries", "200", "--get-iterations", "3000", "--put-iterations", "12",
                "--dir", dir.toString());
        assertThat(out).contains("200 entries of 64 B")
                .containsPattern("get +Keystore.secret +[0-9.]+ (us|ms) +[0-9.]+ (us|ms) +3000")
                .containsPattern("put +Keystore.putSecret \\(durable\\) +[0-9.]+ (us|ms)")
                .containsPattern("raw +write\\+fsync\\+rename, same size +[0-9.]+ (us|ms)")
                .containsPattern("ratio get / raw decrypt: +[0-9]+\\.[0-9]{2}x")
                .containsPattern("ratio put / raw write\\+fsync\\+rename: +[0-9]+\\.[0-9]{2}x");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("bench files removed").isEmpty();
        }
    }

    @Test
    void run_returnsPlausibleMeasurements() throws Exception {
        KeystoreBench bench = new KeystoreBench();
        new CommandLine(bench).parseArgs("--entries", "100", "--get-iterations", "2000", "--put-iterations", "10");
        KeystoreBench.Result r = bench.run(dir);
        assertThat(r.fileSize).isGreaterThan(100L * 64);
        assertThat(r.get.median).isPositive();
        assertThat(r.rawDecrypt.median).isPositive();
        assertThat(r.put.median).isGreaterThan(r.get.median);
        assertThat(r.rawWrite.median).isPositive();
        assertThat(r.get.p99).isGreaterThanOrEqualTo(r.get.median);
        assertThat(r.getRatio()).isPositive();
        assertThat(r.putRatio()).isPositive();
    }

    @Test
    void badOptions_areUsageErrors() {
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setErr(new PrintWriter(new StringWriter()));
        assertThat(cl.execute("keystore", "--entries", "0")).isEqualTo(2);
    }
}
