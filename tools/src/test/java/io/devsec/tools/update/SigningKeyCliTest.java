package io.devsec.tools.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.testkit.Requirements;
import io.devsec.tools.DevsecCli;
import io.devsec.tools.testing.ChildJvm;
import io.devsec.tools.testing.Cli;
import io.devsec.tools.testing.Cli.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing keys of the command line: encrypted PKCS#8, PKCS#11, owner-only key files, no silent overwrite. */
class SigningKeyCliTest {
    private static final String PASS = "correct horse battery staple";

    @TempDir
    Path dir;

    String p(String name) {
        return dir.resolve(name).toString();
    }

    void ok(Run r) {
        assertThat(r.exit()).as("%s%s", r.out(), r.err()).isZero();
    }

    String[] rootCreate(String signWith, String out, String... extra) {
        List<String> a = new ArrayList<>(List.of("root", "create", "--key", p("k.pub"), "--threshold", "1",
                "--update-key", p("k.pub"), "--update-threshold", "1", "--expires", "2099-01-31T00:00:00Z",
                "--sign-with", signWith, "--out", out));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void keygen_passphraseFromStdin_writesEncryptedPkcs8ThatRootCreateOpensWithTheSamePassphrase() throws Exception {
        ok(Cli.runWithStdin(PASS + "\n", "keygen", "--algorithm", "ecdsa-p256", "--out", p("k"), "--encrypt",
                "--passphrase-stdin"));

        String pem = Files.readString(dir.resolve("k.key"));
        assertThat(pem).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----").doesNotContain("BEGIN PRIVATE KEY");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("k.key"))))
                .isEqualTo("rw-------");
        ok(Cli.runWithStdin(PASS + "\n", rootCreate(p("k.key"), p("root.json"), "--passphrase-stdin")));
        assertThat(dir.resolve("root.json")).exists();

        Run wrong = Cli.runWithStdin("not the passphrase\n", rootCreate(p("k.key"), p("root2.json"), "--passphrase-stdin"));
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("wrong passphrase");
        assertThat(dir.resolve("root2.json")).doesNotExist();
    }

    @Test
    void keygen_ed25519Encrypted_signsAnUpdateThatVerifies() throws Exception {
        ok(Cli.runWithStdin(PASS + "\n", "keygen", "--algorithm", "ed25519", "--out", p("k"), "--passphrase-stdin"));
        ok(Cli.runWithStdin(PASS + "\n", rootCreate(p("k.key"), p("root.json"), "--passphrase-stdin")));
        Files.write(dir.resolve("fw.bin"), new byte[4096]);
        ok(Cli.runWithStdin(PASS + "\n", "sign", "--root", p("root.json"), "--image", p("fw.bin"), "--update-version",
                "2", "--hardware-id", "hw", "--expires", "2099-01-31T00:00:00Z", "--sign-with", p("k.key"),
                "--passphrase-stdin", "--out", p("fw.json")));
        ok(Cli.run("verify", "--root", p("root.json"), "--metadata", p("fw.json"), "--image", p("fw.bin")));
    }

    @Test
    void encryptedKey_withoutPassphraseSourceAndWithoutTerminal_isAUsageErrorNotAHang() throws Exception {
        Run r = Cli.run("keygen", "--algorithm", "ed25519", "--out", p("k"), "--encrypt");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no terminal");
        assertThat(dir.resolve("k.key")).doesNotExist();
    }

    @Test
    void passphrase_isNeverTakenFromAnArgument() {
        for (String opt : List.of("--passphrase", "--pin", "--password")) {
            Run r = Cli.run("keygen", "--algorithm", "ed25519", "--out", p("k"), opt, PASS);
            assertThat(r.exit()).as(opt).isEqualTo(2);
        }
        assertThat(dir.resolve("k.key")).doesNotExist();
    }

    @Test
    void keyFile_readableByGroupOrOthers_isRefused() throws Exception {
        ok(Cli.run("keygen", "--algorithm", "ecdsa-p256", "--out", p("k")));
        for (String mode : List.of("rw-r-----", "rw----r--", "rw--w----")) {
            Files.setPosixFilePermissions(dir.resolve("k.key"), PosixFilePermissions.fromString(mode));
            Run r = Cli.run(rootCreate(p("k.key"), p("root.json")));
            assertThat(r.exit()).as(mode).isEqualTo(1);
            assertThat(r.err()).contains("group or others").contains("chmod 600");
            assertThat(dir.resolve("root.json")).doesNotExist();
        }
        Files.setPosixFilePermissions(dir.resolve("k.key"), PosixFilePermissions.fromString("r--------"));
        ok(Cli.run(rootCreate(p("k.key"), p("root.json"))));
    }

    @Test
    void outputs_existing_areNotOverwrittenWithoutForce() throws Exception {
        ok(Cli.run("keygen", "--algorithm", "ecdsa-p256", "--out", p("k")));
        String key = Files.readString(dir.resolve("k.key"));
        assertThat(Cli.run("keygen", "--algorithm", "ecdsa-p256", "--out", p("k")).exit()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("k.key"))).isEqualTo(key);

        Files.writeString(dir.resolve("root.json"), "precious");
        Run root = Cli.run(rootCreate(p("k.key"), p("root.json")));
        assertThat(root.exit()).isEqualTo(1);
        assertThat(root.err()).contains("--force");
        assertThat(Files.readString(dir.resolve("root.json"))).isEqualTo("precious");
        ok(Cli.run(rootCreate(p("k.key"), p("root.json"), "--force")));
        assertThat(Files.readString(dir.resolve("root.json"))).contains("payload");

        Files.write(dir.resolve("fw.bin"), new byte[100]);
        Files.writeString(dir.resolve("fw.json"), "precious");
        String[] sign = {"sign", "--root", p("root.json"), "--image", p("fw.bin"), "--update-version", "2",
            "--hardware-id", "hw", "--expires", "2099-01-31T00:00:00Z", "--sign-with", p("k.key"), "--out", p("fw.json")};
        assertThat(Cli.run(sign).exit()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("fw.json"))).isEqualTo("precious");
        List<String> forced = new ArrayList<>(Arrays.asList(sign));
        forced.add("--force");
        ok(Cli.run(forced.toArray(String[]::new)));
        assertThat(Files.readString(dir.resolve("fw.json"))).contains("payload");

        Files.writeString(dir.resolve("r2.json"), "precious");
        Run rotate = Cli.run("root", "rotate", "--root", p("root.json"), "--key", p("k.pub"), "--threshold", "1",
                "--update-key", p("k.pub"), "--update-threshold", "1", "--expires", "2099-01-31T00:00:00Z",
                "--sign-with", p("k.key"), "--out", p("r2.json"));
        assertThat(rotate.exit()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("r2.json"))).isEqualTo("precious");

        ok(Cli.run("keygen", "--algorithm", "ecdsa-p256", "--out", p("k"), "--force"));
        assertThat(Files.readString(dir.resolve("k.key"))).isNotEqualTo(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("k.key"))))
                .isEqualTo("rw-------");
    }

    @Test
    void opensslEncryptedKeys_pbkdf2AndScrypt_areRead() throws Exception {
        Path openssl = Requirements.requireExecutable("openssl", "/usr/bin/openssl");
        List<List<String>> makers = List.of(
                List.of(openssl.toString(), "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-aes256", "-pass", "pass:" + PASS, "-out", p("o1.key")),
                List.of(openssl.toString(), "genpkey", "-algorithm", "ed25519", "-out", p("plain.key")),
                List.of(openssl.toString(), "pkcs8", "-topk8", "-scrypt", "-in", p("plain.key"), "-passout",
                        "pass:" + PASS, "-out", p("o2.key")));
        for (List<String> cmd : makers) {
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(proc.exitValue()).as(out).isZero();
        }
        for (String k : List.of("o1", "o2")) {
            Files.setPosixFilePermissions(dir.resolve(k + ".key"), PosixFilePermissions.fromString("rw-------"));
            Process pub = new ProcessBuilder(openssl.toString(), "pkey", "-in", p(k + ".key"), "-passin", "pass:" + PASS,
                    "-pubout", "-out", p("k.pub")).redirectErrorStream(true).start();
            assertThat(pub.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(pub.exitValue()).isZero();
            ok(Cli.runWithStdin(PASS + "\n", rootCreate(p(k + ".key"), p(k + "-root.json"), "--passphrase-stdin")));
        }
    }

    @Test
    void keygenEncrypted_isReadByOpenssl() throws Exception {
        Path openssl = Requirements.requireExecutable("openssl", "/usr/bin/openssl");
        ok(Cli.runWithStdin(PASS + "\n", "keygen", "--algorithm", "ecdsa-p256", "--out", p("k"), "--passphrase-stdin"));
        Process proc = new ProcessBuilder(openssl.toString(), "pkey", "-in", p("k.key"), "-passin", "pass:" + PASS,
                "-pubout").redirectErrorStream(true).start();
        String pub = new String(proc.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(proc.exitValue()).as(pub).isZero();
        assertThat(pub.strip()).isEqualTo(Files.readString(dir.resolve("k.pub")).strip());
    }

    @Test
    void pkcs11_ecP256KeyInSoftHsm_signsRootAndUpdate_pinFromEnvironment() throws Exception {
        Path util = Requirements.requireExecutable("softhsm2", "/usr/bin/softhsm2-util", "/usr/local/bin/softhsm2-util");
        Path lib = Requirements.requireFile("softhsm2", "/usr/lib/softhsm/libsofthsm2.so",
                "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so");
        Path tokens = Files.createDirectories(dir.resolve("tokens"));
        Path conf = dir.resolve("softhsm2.conf");
        Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        ProcessBuilder init = new ProcessBuilder(util.toString(), "--init-token", "--free", "--label", "devsec-sign",
                "--pin", "123456", "--so-pin", "654321").redirectErrorStream(true);
        init.environment().put("SOFTHSM2_CONF", conf.toString());
        Process ip = init.start();
        String initOut = new String(ip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ip.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ip.exitValue()).as(initOut).isZero();
        Path cfg = dir.resolve("pkcs11.cfg");
        Files.writeString(cfg, "name = DevSecSign\nlibrary = " + lib + "\nslotListIndex = 0\n");
        Map<String, String> env = Map.of("SOFTHSM2_CONF", conf.toString(), "DEVSEC_TEST_PIN", "123456");

        ChildJvm.Result setup = ChildJvm.run(Pkcs11TokenSetup.class, env, cfg.toString(), "123456", "root-key", p("k.pub"));
        assertThat(setup.exit()).as(setup.output()).isZero();
        assertThat(setup.output()).contains("SETUP OK");
        // SunPKCS11 on JDK 17 offers no EdDSA: Ed25519 keys in a token cannot sign through it.
        System.out.println("SunPKCS11 on " + System.getProperty("java.version") + ": "
                + setup.output().lines().filter(l -> l.startsWith("ED25519")).toList());

        ChildJvm.Result root = ChildJvm.run(DevsecCli.class, env, rootCreate("pkcs11:root-key", p("root.json"),
                "--pkcs11-config", cfg.toString(), "--pin-env", "DEVSEC_TEST_PIN"));
        assertThat(root.exit()).as(root.output()).isZero();
        Files.write(dir.resolve("fw.bin"), new byte[5000]);
        ChildJvm.Result sign = ChildJvm.run(DevsecCli.class, env, "sign", "--root", p("root.json"), "--image",
                p("fw.bin"), "--update-version", "3", "--hardware-id", "hw", "--expires", "2099-01-31T00:00:00Z",
                "--sign-with", "pkcs11:root-key", "--pkcs11-config", cfg.toString(), "--pin-env", "DEVSEC_TEST_PIN",
                "--out", p("fw.json"));
        assertThat(sign.exit()).as(sign.output()).isZero();
        ok(Cli.run("verify", "--root", p("root.json"), "--metadata", p("fw.json"), "--image", p("fw.bin")));

        ChildJvm.Result wrongPin = ChildJvm.run(DevsecCli.class, Map.of("SOFTHSM2_CONF", conf.toString(),
                "DEVSEC_TEST_PIN", "000000"), rootCreate("pkcs11:root-key", p("root3.json"), "--pkcs11-config",
                cfg.toString(), "--pin-env", "DEVSEC_TEST_PIN"));
        assertThat(wrongPin.exit()).isEqualTo(1);
        assertThat(dir.resolve("root3.json")).doesNotExist();
        ChildJvm.Result missing = ChildJvm.run(DevsecCli.class, env, rootCreate("pkcs11:nope", p("root4.json"),
                "--pkcs11-config", cfg.toString(), "--pin-env", "DEVSEC_TEST_PIN"));
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.output()).contains("no private key 'nope'");
    }
}
