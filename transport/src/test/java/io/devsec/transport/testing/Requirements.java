package io.devsec.transport.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** System packages some tests need: skip with how to install them, except on CI (env CI=true), where they fail. */
public final class Requirements {
    private Requirements() {
    }

    public static boolean onCi() {
        return "true".equals(System.getenv("CI"));
    }

    /**
     * Skips a test too slow for every local run (about 10 to 25 s on the 2-core machine) unless
     * CI=true or {@code -Ddevsec.slow=true}: CI always runs it.
     */
    public static void slowUnlessCi(String why) {
        if (!onCi() && !Boolean.getBoolean("devsec.slow")) {
            Assumptions.abort(why + ": runs when CI=true or with -Ddevsec.slow=true");
        }
    }

    /** Returns the executable's path, or skips (fails on CI) with the install command. */
    public static Path requireExecutable(String package_, String... candidates) {
        return require(true, package_, candidates);
    }

    /** Returns the (library) file's path, or skips (fails on CI) with the install command. */
    public static Path requireFile(String package_, String... candidates) {
        return require(false, package_, candidates);
    }

    private static Path require(boolean executable, String package_, String... candidates) {
        for (String c : candidates) {
            Path p = Path.of(c);
            if (executable ? Files.isExecutable(p) : Files.isReadable(p)) {
                return p;
            }
        }
        String msg = package_ + " is not installed; install it: apt-get install -y " + package_;
        if (onCi()) {
            throw new AssertionError(msg + " (CI=true: required)");
        }
        Assumptions.abort(msg);
        throw new AssertionError("unreachable");
    }
}
