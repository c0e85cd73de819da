package io.devsec.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.testkit.Requirements;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One SoftHSM2 token for the whole test JVM (SoftHSM2 reads its configuration when the library loads,
 * and the providers are shared per token). Skips when SoftHSM2 is missing
 * ({@code apt-get install -y softhsm2}); fails instead when CI=true.
 */
public final class SoftHsm {
    public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    public static final char[] PIN = "4711-user".toCharArray();
    private static Long slot;

    private SoftHsm() {}

    /** The slot of the initialized test token; initializes it on first use. */
    public static synchronized long slot() throws Exception {
        if (slot != null) {
            return slot;
        }
        boolean present = Files.exists(LIBRARY) && onPath("softhsm2-util");
        if (!present) {
            skipOrFail("SoftHSM2 is not installed: apt-get install -y softhsm2");
        }
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null) {
            skipOrFail("SOFTHSM2_CONF is not set: run this test through Maven (storage/pom.xml sets it)");
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
        return slot;
    }

    /** Settings for the test token with a key alias. */
    public static Pkcs11Settings settings(String alias) throws Exception {
        return Pkcs11Settings.builder().library(LIBRARY).slot(slot()).pin(PIN).keyAlias(alias).build();
    }

    static void skipOrFail(String msg) {
        Requirements.skipOrFail(msg);
    }

    static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }
}
