package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.testkit.Requirements;
import io.devsec.testkit.TestCa;
import io.devsec.transport.testing.ChildJvm;
import io.devsec.transport.testing.TestTlsServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A device key inside a PKCS#11 token (SoftHSM2) serves as the TLS client identity: DevSec never needs key bytes. */
class Pkcs11IdentityTest {
    @Test
    void mutualTls_withNonExtractableTokenKey_isAcceptedByServerRequiringClientCertificate(@TempDir Path dir) throws Exception {
        Path util = Requirements.requireExecutable("softhsm2", "/usr/bin/softhsm2-util", "/usr/local/bin/softhsm2-util");
        Path lib = Requirements.requireFile("softhsm2", "/usr/lib/softhsm/libsofthsm2.so",
                "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so");
        Path tokens = Files.createDirectories(dir.resolve("tokens"));
        Path conf = dir.resolve("softhsm2.conf");
        Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        ProcessBuilder initPb = new ProcessBuilder(util.toString(), "--init-token", "--free", "--label", "devsec-test", "--pin",
                "123456", "--so-pin", "654321").redirectErrorStream(true);
        initPb.environment().put("SOFTHSM2_CONF", conf.toString());
        Process init = initPb.start();
        init.getOutputStream().close();
        String initOut = new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(init.waitFor(30, TimeUnit.SECONDS)).isTrue();
        if (!initOut.contains("initialized") || init.exitValue() != 0) {
            throw new AssertionError("softhsm2-util failed: " + initOut);
        }
        Files.writeString(dir.resolve("pkcs11.cfg"), "name = DevSecTest\nlibrary = " + lib + "\nslotListIndex = 0\n");

        TestCa ca = TestCa.create("DevSec HSM Test CA");
        TestCa.writePem(dir.resolve("ca.pem"), ca.caCertificate());
        TestCa.writePem(dir.resolve("ca.key"), ca.caKeyPair().getPrivate());
        try (TestTlsServer server = new TestTlsServer(TestCa.serverContext(ca.server("localhost"), ca.caCertificate()), true)) {
            Process child = ChildJvm.start(Pkcs11IdentityChild.class, List.of("SOFTHSM2_CONF=" + conf), dir.toString(),
                    Integer.toString(server.port()), "123456");
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).contains("KEY-EXTRACTABLE false", "READ 75");
            assertThat(child.exitValue()).isZero();
            assertThat(server.handshakes()).isEqualTo(1);
        }
    }

}
