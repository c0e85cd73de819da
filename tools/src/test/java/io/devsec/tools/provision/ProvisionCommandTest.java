package io.devsec.tools.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.core.provisioning.LabelPasswords;
import io.devsec.core.provisioning.ProvisioningRecord;
import io.devsec.tools.DevsecCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvisionCommandTest {

    @TempDir
    Path temp;

    @Test
    void provision_writesOneUniqueRecordPerDeviceMatchingTheLabels() throws Exception {
        Path out = temp.resolve("batch");

        int code = DevsecCli.run("provision", "--count", "500", "--out", out.toString(), "--serial-prefix", "PLUG-");

        assertThat(code).isZero();
        List<String> lines = Files.readAllLines(out.resolve("labels.csv"));
        assertThat(lines.get(0)).isEqualTo("serial,password");
        assertThat(lines).hasSize(501);
        Set<String> passwords = new HashSet<>();
        Set<String> serials = new HashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cols = line.split(",");
            assertThat(cols).hasSize(2);
            serials.add(cols[0]);
            passwords.add(cols[1]);
            assertThat(cols[1]).hasSize(LabelPasswords.LENGTH);
            assertThat(cols[1]).doesNotContain(cols[0]);
            try (Holder record = closeable(ProvisioningRecord.read(out.resolve("records/" + cols[0] + ".json")))) {
                assertThat(record.record.serialNumber()).isEqualTo(cols[0]);
                assertThat(new String(record.record.initialPassword())).isEqualTo(cols[1]);
            }
        }
        assertThat(serials).hasSize(500).contains("PLUG-00000001", "PLUG-00000500");
        assertThat(passwords).hasSize(500);
    }

    @Test
    void provision_createsOwnerOnlyFilesAndFolders() throws Exception {
        Path out = temp.resolve("batch");

        assertThat(DevsecCli.run("provision", "--count", "3", "--out", out.toString())).isZero();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("records")))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("labels.csv")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("records/DS00000001.json"))))
                .isEqualTo("rw-------");
    }

    @Test
    void provision_nonEmptyOutputFolder_isRefusedWithoutTouchingIt() throws Exception {
        Path out = Files.createDirectory(temp.resolve("batch"));
        Files.writeString(out.resolve("labels.csv"), "serial,password\nold,batch\n");
        String err = captureErr(() -> assertThat(DevsecCli.run("provision", "--count", "3", "--out", out.toString())).isEqualTo(2));

        assertThat(err).contains("not empty");
        assertThat(Files.readString(out.resolve("labels.csv"))).isEqualTo("serial,password\nold,batch\n");
    }

    @Test
    void provision_countOutOfRange_isAUsageError() {
        String err = captureErr(() -> assertThat(DevsecCli.run("provision", "--count", "0", "--out", temp.resolve("x").toString())).isEqualTo(2));

        assertThat(err).contains("--count must be 1 to");
    }

    @Test
    void provision_onFileSystemWithoutPosixPermissions_writesTheBatchAndSaysWhatItCouldNotRestrict() throws Exception {
        // A zip file system has no POSIX permissions, like NTFS: the old code threw UnsupportedOperationException.
        Path zip = temp.resolve("batch.zip");
        try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(zip,
                java.util.Map.of("create", "true"))) {
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            picocli.CommandLine cl = new picocli.CommandLine(new ProvisionCommand(fs));
            cl.setOut(new java.io.PrintWriter(out));
            cl.setErr(new java.io.PrintWriter(err));

            int code = cl.execute("--count", "3", "--out", "/batch", "--json");

            assertThat(code).as(err.toString()).isZero();
            assertThat(Files.readAllLines(fs.getPath("/batch/labels.csv"))).hasSize(4);
            assertThat(fs.getPath("/batch/records/DS00000003.json")).exists();
            assertThat(err.toString()).contains("could not restrict permissions").contains("/batch");
            com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(out.toString());
            assertThat(json.get("permissionsRestricted").asBoolean()).isFalse();
            assertThat(json.get("warnings").get(0).asText()).contains("could not restrict permissions");
        }
    }

    @Test
    void provision_json_printsOneObjectWithTheSummary() throws Exception {
        Path out = temp.resolve("batch");
        io.devsec.tools.testing.Cli.Run r = io.devsec.tools.testing.Cli.run("provision", "--count", "5", "--out",
                out.toString(), "--json", "--first-serial", "7");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).hasSize(1);
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(json.get("command").asText()).isEqualTo("provision");
        assertThat(json.get("count").asInt()).isEqualTo(5);
        assertThat(json.get("firstSerial").asText()).isEqualTo("DS00000007");
        assertThat(json.get("lastSerial").asText()).isEqualTo("DS00000011");
        assertThat(json.get("labels").asText()).isEqualTo(out.resolve("labels.csv").toString());
        assertThat(json.get("permissionsRestricted").asBoolean()).isTrue();
        assertThat(json.get("warnings")).isEmpty();
        assertThat(json.get("entropyBits").asInt()).isEqualTo(LabelPasswords.ENTROPY_BITS_FLOOR);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void provision_largeBatch_showsProgressOnATerminalOnly() throws Exception {
        Path script = io.devsec.testkit.Requirements.requireExecutable("bsdutils", "/usr/bin/script");
        Path onTerminal = temp.resolve("tty");
        String cmd = String.join(" ", io.devsec.tools.testing.ChildJvm.java(), "-cp",
                "'" + io.devsec.tools.testing.ChildJvm.classPath() + "'", "io.devsec.tools.DevsecCli", "provision",
                "--count", "12000", "--out", onTerminal.toString());
        // script(1) runs the command on a new pseudo-terminal: System.console() is not null there.
        Process p = new ProcessBuilder(script.toString(), "-qec", cmd, "/dev/null").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String tty = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(tty).isZero();
        assertThat(tty).contains("provisioning: ").contains("100% (12000/12000)");

        io.devsec.tools.testing.Cli.Run piped = io.devsec.tools.testing.Cli.run("provision", "--count", "12000", "--out",
                temp.resolve("piped").toString());
        assertThat(piped.exit()).isZero();
        assertThat(piped.err()).isEmpty();
    }

    private static String captureErr(Runnable action) {
        PrintStream old = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(old);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private static Holder closeable(ProvisioningRecord record) {
        return new Holder(record);
    }

    /** Destroys the record's password copy after the assertions. */
    private static final class Holder implements AutoCloseable {
        final ProvisioningRecord record;

        Holder(ProvisioningRecord record) {
            this.record = record;
        }

        @Override
        public void close() {
            record.destroy();
        }
    }
}
