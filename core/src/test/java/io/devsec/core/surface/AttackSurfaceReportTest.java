package io.devsec.core.surface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devsec.storage.AtomicFiles;
import java.net.URI;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttackSurfaceReportTest {

    @TempDir
    Path dir;

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);

    Path status(long uid) throws Exception {
        Path f = dir.resolve("status-" + uid);
        Files.writeString(f, "Name:\tjava\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\nGid:\t0\t0\t0\t0\n");
        return f;
    }

    Path ownerOnlyData() throws Exception {
        Path data = dir.resolve("data");
        AtomicFiles.createOwnerOnlyDirectories(data.resolve("personal"));
        AtomicFiles.write(data.resolve("device.keystore"), new byte[100]);
        AtomicFiles.write(data.resolve("personal/a.pd"), new byte[7]);
        return data;
    }

    @Test
    void ownerOnlyFiles_unprivilegedUser_tlsEndpoint_noWarningsBesideSockets() throws Exception {
        Path data = ownerOnlyData();
        AttackSurfaceReport r = AttackSurfaceReport.builder().dataFolder(data).clock(CLOCK).procStatus(status(1000))
                .feature("mqtt", "MQTT over mutual TLS").feature("updates", "Signed A/B updates")
                .endpoint("broker", URI.create("ssl://mqtt.acme.example:8883")).build();
        assertThat(r.features()).containsOnlyKeys("mqtt", "updates");
        assertThat(r.files()).extracting(AttackSurfaceReport.FileEntry::path)
                .containsExactly(".", "device.keystore", "personal", "personal/a.pd");
        assertThat(r.files()).noneMatch(AttackSurfaceReport.FileEntry::loose);
        assertThat(r.runsAsRoot()).isFalse();
        assertThat(r.warnings()).allMatch(w -> w.startsWith("The process listens on"));
        assertThat(r.text()).contains("mqtt: MQTT over mutual TLS", "broker: ssl://mqtt.acme.example:8883",
                "device.keystore rw------- 100 B", "Listening sockets opened by DevSec: none");
        JsonNode json = new ObjectMapper().readTree(r.json());
        assertThat(json.get("files")).hasSize(4);
        assertThat(json.get("effectiveUid").asLong()).isEqualTo(1000);
        assertThat(json.get("runsAsRoot").asBoolean()).isFalse();
    }

    @Test
    void looseFile_plainEndpoint_root_eachWarned() throws Exception {
        Path data = ownerOnlyData();
        Path loose = data.resolve("exported.json");
        Files.writeString(loose, "{}");
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(data.resolve("personal"), PosixFilePermissions.fromString("rwxr-x---"));
        AttackSurfaceReport r = AttackSurfaceReport.builder().dataFolder(data).clock(CLOCK).procStatus(status(0))
                .endpoint("telemetry", URI.create("http://collector.acme.example/")).build();
        assertThat(r.runsAsRoot()).isTrue();
        assertThat(r.warnings()).anyMatch(w -> w.contains("File exported.json") && w.contains("rw-r--r--"))
                .anyMatch(w -> w.contains("Folder personal") && w.contains("chmod 700"))
                .anyMatch(w -> w.contains("telemetry") && w.contains("not encrypted"))
                .anyMatch(w -> w.contains("root"));
        assertThat(new ObjectMapper().readTree(r.json()).get("warnings")).hasSize(r.warnings().size());
    }

    @Test
    void applicationListener_isReportedAsNotDevSecs() throws Exception {
        ListeningSocketsTest.assumeLinux();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AttackSurfaceReport r = AttackSurfaceReport.builder().dataFolder(ownerOnlyData()).procStatus(status(1000)).build();
            assertThat(r.listeningSockets()).anyMatch(l -> l.port() == s.getLocalPort());
            assertThat(r.warnings()).anyMatch(w -> w.contains(":" + s.getLocalPort()) && w.contains("not opened by DevSec"));
        }
    }

    @Test
    void realProcStatus_rootIsDetectedAsRoot() throws Exception {
        ListeningSocketsTest.assumeLinux();
        AttackSurfaceReport r = AttackSurfaceReport.builder().dataFolder(ownerOnlyData()).build();
        assertThat(r.effectiveUid()).isPresent();
        boolean root = "root".equals(System.getProperty("user.name"));
        assertThat(r.runsAsRoot()).isEqualTo(root);
    }

    @Test
    void builder_namesBadFields() {
        assertThatThrownBy(() -> AttackSurfaceReport.builder().build()).hasMessageContaining("dataFolder");
        assertThatThrownBy(() -> AttackSurfaceReport.builder().feature("x\ny", "d")).hasMessageContaining("feature name");
        assertThatThrownBy(() -> AttackSurfaceReport.builder().dataFolder(dir.resolve("absent")).build())
                .hasMessageContaining("not a folder");
    }

    /**
     * Issue 11 section 5: a report walked the data folder while a keystore write renamed its temporary file
     * away, and failed with NoSuchFileException. Writers replace files (temporary file + rename, as the
     * keystore does) and create and remove a sub-folder while reporters build reports, for a few seconds.
     */
    @Test
    void build_whileOtherThreadsReplaceAndRemoveFiles_neverFails() throws Exception {
        Path data = ownerOnlyData();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicLong reports = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.CountDownLatch failed = new java.util.concurrent.CountDownLatch(1);
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int writer = w;
            threads.add(new Thread(() -> {
                byte[] content = new byte[64];
                Path spool = data.resolve("spool-" + writer);
                try {
                    for (long i = 0; !stop.get(); i++) {
                        AtomicFiles.write(data.resolve("device.keystore"), content);
                        AtomicFiles.createOwnerOnlyDirectories(spool);
                        Path f = spool.resolve("m-" + i);
                        AtomicFiles.write(f, content);
                        Files.delete(f);
                        Files.delete(spool);
                    }
                } catch (Throwable t) {
                    failures.add(new AssertionError("writer failed", t));
                    failed.countDown();
                }
            }));
        }
        for (int r = 0; r < 2; r++) {
            threads.add(new Thread(() -> {
                try {
                    while (!stop.get()) {
                        AttackSurfaceReport report = AttackSurfaceReport.builder().dataFolder(data).clock(CLOCK).build();
                        assertThat(report.files()).extracting(AttackSurfaceReport.FileEntry::path).contains(".", "device.keystore");
                        reports.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                    failed.countDown();
                }
            }));
        }
        threads.forEach(Thread::start);
        failed.await(3, java.util.concurrent.TimeUnit.SECONDS); // the first failure, or 3 s of reports without one
        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(failures).as("reports built: " + reports.get()).isEmpty();
        assertThat(reports.get()).isPositive();
    }
}
