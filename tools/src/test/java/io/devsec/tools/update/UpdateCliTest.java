package io.devsec.tools.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.testkit.Requirements;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.devsec.tools.testing.Cli;
import io.devsec.tools.testing.Cli.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signing command line's contract: keygen, root create/rotate, sign, verify and their exit codes. */
class UpdateCliTest {
    @TempDir
    Path dir;

    Run devsec(String... args) {
        return Cli.run(args);
    }

    String p(String name) {
        return dir.resolve(name).toString();
    }

    void ok(String... args) {
        Run r = devsec(args);
        assertThat(r.exit()).as("devsec %s: %s", Arrays.toString(args), r.err()).isZero();
    }

    /** Keys root1 (ed25519), root2 (ecdsa), upd (ecdsa); root.json v1; image; v5 metadata. */
    void setUp() throws Exception {
        ok("keygen", "--algorithm", "ed25519", "--out", p("root1"));
        ok("keygen", "--algorithm", "ecdsa-p256", "--out", p("root2"));
        ok("keygen", "--algorithm", "ecdsa-p256", "--out", p("upd"));
        ok("root", "create", "--key", p("root1.pub"), "--key", p("root2.pub"), "--threshold", "2",
                "--update-key", p("upd.pub"), "--update-threshold", "1", "--expires", "2099-01-31T00:00:00Z",
                "--sign-with", p("root1.key"), "--sign-with", p("root2.key"), "--out", p("root.json"));
        byte[] image = new byte[3 << 20];
        new java.util.Random(7).nextBytes(image);
        Files.write(dir.resolve("fw.bin"), image);
        ok("sign", "--root", p("root.json"), "--image", p("fw.bin"), "--version", "5", "--hardware-id", "acme-v2",
                "--expires", "2099-01-31T00:00:00Z", "--support-until", "2031-12-31", "--security", "--sign-with",
                p("upd.key"), "--out", p("fw.update.json"));
    }

    @Test
    void keygen_writesPkcs8KeyWithMode0600AndSpkiPub() throws Exception {
        ok("keygen", "--algorithm", "ed25519", "--out", p("k"));
        assertThat(Files.readString(dir.resolve("k.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve("k.pub"))).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("k.key"))))
                .isEqualTo("rw-------");
        // Refuses to overwrite.
        assertThat(devsec("keygen", "--algorithm", "ed25519", "--out", p("k")).exit()).isEqualTo(1);
        assertThat(devsec("keygen", "--algorithm", "rsa", "--out", p("r")).exit()).isEqualTo(2);
    }

    @Test
    void verify_validUpdate_exitsZeroWithOneLineNamingVersion() throws Exception {
        setUp();
        Run r = devsec("verify", "--root", p("root.json"), "--metadata", p("fw.update.json"), "--image", p("fw.bin"),
                "--installed-version", "4", "--hardware-id", "acme-v2", "--at", "2030-01-01T00:00:00Z");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).hasSize(1);
        assertThat(r.out()).contains("version 5");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void verify_tamperedImage_exitsOneWithOneLineOnStderr() throws Exception {
        setUp();
        byte[] image = Files.readAllBytes(dir.resolve("fw.bin"));
        image[1000] ^= 1;
        Files.write(dir.resolve("evil.bin"), image);
        Run r = devsec("verify", "--root", p("root.json"), "--metadata", p("fw.update.json"), "--image", p("evil.bin"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).contains("SHA-256");
    }

    @Test
    void verify_eachRefusal_exitsOne() throws Exception {
        setUp();
        String[] base = {"verify", "--root", p("root.json"), "--metadata", p("fw.update.json"), "--image", p("fw.bin")};
        List<String[]> bad = List.of(
                new String[] {"--installed-version", "5"},
                new String[] {"--hardware-id", "other-hw"},
                new String[] {"--at", "2100-01-01T00:00:00Z"});
        for (String[] extra : bad) {
            List<String> args = new ArrayList<>(List.of(base));
            args.addAll(List.of(extra));
            Run r = devsec(args.toArray(String[]::new));
            assertThat(r.exit()).as(Arrays.toString(extra)).isEqualTo(1);
            assertThat(r.err().lines().toList()).hasSize(1);
        }
        // Image longer than signed.
        Files.write(dir.resolve("long.bin"), Files.readAllBytes(dir.resolve("fw.bin")));
        Files.write(dir.resolve("long.bin"), new byte[1], java.nio.file.StandardOpenOption.APPEND);
        assertThat(devsec("verify", "--root", p("root.json"), "--metadata", p("fw.update.json"), "--image",
                p("long.bin")).err()).contains("longer");
        // Metadata signed by a key the root does not name.
        ok("keygen", "--algorithm", "ed25519", "--out", p("rogue"));
        Run rogue = devsec("sign", "--root", p("root.json"), "--image", p("fw.bin"), "--version", "6", "--hardware-id",
                "acme-v2", "--expires", "2099-01-31T00:00:00Z", "--sign-with", p("rogue.key"), "--out", p("rogue.json"));
        assertThat(rogue.exit()).isEqualTo(1);
        assertThat(Files.exists(dir.resolve("rogue.json"))).isFalse();
    }

    @Test
    void verify_usageError_exitsTwo() throws Exception {
        assertThat(devsec("verify", "--root", p("root.json")).exit()).isEqualTo(2);
        assertThat(devsec("verify", "--root", p("r"), "--metadata", p("m"), "--image", p("i"), "--at", "yesterday")
                .exit()).isEqualTo(2);
    }

    @Test
    void rootRotate_thenVerifyThroughChain_acceptsNewKeysAndRefusesRevoked() throws Exception {
        setUp();
        ok("keygen", "--algorithm", "ed25519", "--out", p("root3"));
        ok("keygen", "--algorithm", "ed25519", "--out", p("upd2"));
        // Rotation signed only by the new key fails: the old threshold is not met.
        Run weak = devsec("root", "rotate", "--root", p("root.json"), "--key", p("root3.pub"), "--threshold", "1",
                "--update-key", p("upd2.pub"), "--update-threshold", "1", "--expires", "2099-01-31T00:00:00Z",
                "--sign-with", p("root3.key"), "--out", p("root2.json"));
        assertThat(weak.exit()).isEqualTo(1);
        assertThat(weak.err()).contains("threshold");
        ok("root", "rotate", "--root", p("root.json"), "--key", p("root3.pub"), "--threshold", "1",
                "--update-key", p("upd2.pub"), "--update-threshold", "1", "--expires", "2099-01-31T00:00:00Z",
                "--sign-with", p("root1.key"), "--sign-with", p("root2.key"), "--sign-with", p("root3.key"),
                "--out", p("root2.json"));
        ok("sign", "--root", p("root2.json"), "--image", p("fw.bin"), "--version", "6", "--hardware-id", "acme-v2",
                "--expires", "2099-01-31T00:00:00Z", "--sign-with", p("upd2.key"), "--out", p("v6.json"));
        Run r = devsec("verify", "--root", p("root.json"), "--root-chain", p("root2.json"), "--metadata", p("v6.json"),
                "--image", p("fw.bin"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("version 6").contains("root version 2");
        // Without the chain the device does not know the new update key.
        assertThat(devsec("verify", "--root", p("root.json"), "--metadata", p("v6.json"), "--image", p("fw.bin"))
                .exit()).isEqualTo(1);
        // After the rotation the old update key is revoked.
        Run revoked = devsec("verify", "--root", p("root.json"), "--root-chain", p("root2.json"), "--metadata",
                p("fw.update.json"), "--image", p("fw.bin"));
        assertThat(revoked.exit()).isEqualTo(1);
        assertThat(revoked.err()).contains("threshold");
    }

    @Test
    void keygen_keysReadableByOpenssl() throws Exception {
        Requirements.requireExecutable("openssl", "/usr/bin/openssl");
        ok("keygen", "--algorithm", "ecdsa-p256", "--out", p("e"));
        ok("keygen", "--algorithm", "ed25519", "--out", p("d"));
        for (String k : List.of("e", "d")) {
            Process proc = new ProcessBuilder("openssl", "pkey", "-in", p(k + ".key"), "-pubout")
                    .redirectErrorStream(true).start();
            String pub = new String(proc.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(proc.waitFor()).isZero();
            assertThat(pub.strip()).isEqualTo(Files.readString(dir.resolve(k + ".pub")).strip());
        }
        // And keys openssl made sign here.
        for (String[] gen : List.of(new String[] {"-algorithm", "ed25519"},
                new String[] {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"})) {
            List<String> cmd = new ArrayList<>(List.of("openssl", "genpkey"));
            cmd.addAll(List.of(gen));
            cmd.addAll(List.of("-out", p("o.key")));
            assertThat(new ProcessBuilder(cmd).start().waitFor()).isZero();
            assertThat(new ProcessBuilder("openssl", "pkey", "-in", p("o.key"), "-pubout", "-out", p("o.pub")).start()
                    .waitFor()).isZero();
            ok("root", "create", "--key", p("o.pub"), "--threshold", "1", "--update-key", p("o.pub"),
                    "--update-threshold", "1", "--expires", "2099-01-31T00:00:00Z", "--sign-with", p("o.key"),
                    "--out", p("o-root.json"), "--force");
            Files.delete(dir.resolve("o.key"));
        }
    }

    @Test
    void benchUpdate_smallImage_printsThroughputsAndRatios() {
        Run r = devsec("bench", "update", "--size-mib", "4", "--runs", "1", "--dir", p("bench"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("devsec verify").contains("GB/s");
        if (Files.isExecutable(Path.of("/usr/bin/openssl"))) {
            assertThat(r.out()).contains("ratio devsec/openssl");
        }
        assertThat(dir.resolve("bench/image.bin")).doesNotExist();
    }
}
