package io.devsec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PKCS#11 master key against a real SoftHSM2 token through SunPKCS11. Skips when SoftHSM2 is
 * missing (install: {@code apt-get install -y softhsm2}), fails instead when CI=true.
 */
class Pkcs11KeystoreTest {
    private static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    private static final char[] PIN = "4711-user".toCharArray();
    private static long slot;

    @TempDir
    Path dir;

    @BeforeAll
    static void initToken() throws Exception {
        boolean present = Files.exists(LIBRARY) && onPath("softhsm2-util");
        if (!present) {
            String msg = "SoftHSM2 is not installed: apt-get install -y softhsm2";
            if (TestSupport.ci()) {
                fail(msg + " (CI=true, so this is a failure, not a skip)");
            }
            Assumptions.abort(msg);
        }
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null) {
            String msg = "SOFTHSM2_CONF is not set: run this test through Maven (storage/pom.xml sets it)";
            if (TestSupport.ci()) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
        Path confFile = Path.of(conf);
        Path tokens = confFile.resolveSibling("tokens");
        if (Files.exists(tokens)) {
            try (Stream<Path> s = Files.walk(tokens)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(tokens);
        Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        Process p = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "devsec-test",
                "--pin", new String(PIN), "--so-pin", "so-pin-0000").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
        assertThat(m.find()).as("softhsm2-util output: %s", out).isTrue();
        slot = Long.parseLong(m.group(1));
    }

    private static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }

    private static Pkcs11Settings settings(String alias, char[] pin) {
        return Pkcs11Settings.builder().library(LIBRARY).slot(slot).pin(pin).keyAlias(alias).build();
    }

    @Test
    void pkcs11MasterKey_generatedNonExtractableInToken_andKeystoreRoundTrips() throws Exception {
        Path file = dir.resolve("ks");
        try (Keystore ks = Keystore.open(file, MasterKeySource.pkcs11(settings("roundtrip", PIN)))) {
            assertThat(ks.created()).isTrue();
            assertThat(ks.masterKeyKind()).isEqualTo(MasterKeySource.Kind.PKCS11_TOKEN);
            ks.putSecret("s", new byte[] {7, 7});
        }
        try (Keystore ks = Keystore.open(file, MasterKeySource.pkcs11(settings("roundtrip", PIN)))) {
            assertThat(ks.created()).isFalse();
            assertThat(ks.secret("s").get()).containsExactly(7, 7);
        }
        // The key lives in the token, is AES and cannot be read out.
        Provider p = Security.getProvider("SunPKCS11").configure(
                "--name=DevSecTestCheck\nlibrary=" + LIBRARY + "\nslot=" + slot + "\n");
        KeyStore token = KeyStore.getInstance("PKCS11", p);
        token.load(null, PIN);
        Key key = token.getKey("roundtrip", null);
        assertThat(key).isNotNull();
        assertThat(key.getAlgorithm()).isEqualTo("AES");
        assertThat(key.getEncoded()).as("non-extractable key has no encoding").isNull();
    }

    @Test
    void wrongPin_throwsWrongMasterKeyException() throws Exception {
        Path file = dir.resolve("ks");
        Keystore.open(file, MasterKeySource.pkcs11(settings("pin-test", PIN))).close();
        assertThatThrownBy(() -> Keystore.open(file, MasterKeySource.pkcs11(settings("pin-test", "0000".toCharArray()))))
                .isInstanceOf(WrongMasterKeyException.class).hasMessageContaining("login")
                .hasMessageNotContaining("0000");
    }

    @Test
    void otherTokenKey_throwsWrongMasterKeyException_andAbsentAliasIsNeverCreatedOnOpen() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Keystore.open(a, MasterKeySource.pkcs11(settings("key-a", PIN))).close();
        Keystore.open(b, MasterKeySource.pkcs11(settings("key-b", PIN))).close();
        assertThatThrownBy(() -> Keystore.open(a, MasterKeySource.pkcs11(settings("key-b", PIN))))
                .isInstanceOf(WrongMasterKeyException.class).hasMessageContaining("key-b");
        assertThatThrownBy(() -> Keystore.open(a, MasterKeySource.pkcs11(settings("never-made", PIN))))
                .isInstanceOf(WrongMasterKeyException.class).hasMessageContaining("no key under the alias");
    }

    @Test
    void settings_validateAndNeverPrintThePin() {
        assertThatThrownBy(() -> Pkcs11Settings.builder().pin(PIN).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("library");
        assertThatThrownBy(() -> Pkcs11Settings.builder().library(LIBRARY).build())
                .hasMessageContaining("pin");
        assertThatThrownBy(() -> Pkcs11Settings.builder().library(Path.of("rel.so")).pin(PIN).build())
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> Pkcs11Settings.builder().library(LIBRARY).slot(1).slotListIndex(0).pin(PIN).build())
                .hasMessageContaining("slot");
        Pkcs11Settings s = settings("x", PIN);
        assertThat(s.toString()).doesNotContain(new String(PIN)).contains("hidden");
        s.destroy();
        assertThatThrownBy(s::pin).isInstanceOf(IllegalStateException.class);
    }

}
