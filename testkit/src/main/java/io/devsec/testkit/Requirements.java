package io.devsec.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * System packages some tests need (mosquitto, openssl, softhsm2, swtpm): a test skips with the command that
 * installs the package, except on CI (env {@code CI=true}), where a missing package fails it.
 */
public final class Requirements {
    private Requirements() {
    }

    /** @return whether this run is CI (env {@code CI=true}), where required packages must be present */
    public static boolean onCi() {
        return "true".equals(System.getenv("CI"));
    }

    /**
     * Skips a test too slow for every local run (about 10 to 25 s on the 2-core machine) unless CI=true or
     * {@code -Ddevsec.slow=true}: CI always runs it.
     *
     * @param why what makes it slow
     */
    public static void slowUnlessCi(String why) {
        if (!onCi() && !Boolean.getBoolean("devsec.slow")) {
            Assumptions.abort(why + ": runs when CI=true or with -Ddevsec.slow=true");
        }
    }

    /**
     * The first executable candidate, or skips (fails on CI) with the install command.
     *
     * @param debianPackage the package to install
     * @param candidates paths to try in order
     * @return the executable's path
     */
    public static Path requireExecutable(String debianPackage, String... candidates) {
        return require(true, debianPackage, candidates);
    }

    /**
     * The first readable candidate (a library), or skips (fails on CI) with the install command.
     *
     * @param debianPackage the package to install
     * @param candidates paths to try in order
     * @return the file's path
     */
    public static Path requireFile(String debianPackage, String... candidates) {
        return require(false, debianPackage, candidates);
    }

    /**
     * The rule itself, for a requirement found some other way (a command on the PATH, a configured variable): fails
     * the test with {@code message} when CI=true, else skips it.
     *
     * @param message what is missing and how to install it
     */
    public static void skipOrFail(String message) {
        if (onCi()) {
            throw new AssertionError(message + " (CI=true: required)");
        }
        Assumptions.abort(message);
    }

    private static Path require(boolean executable, String debianPackage, String... candidates) {
        for (String c : candidates) {
            Path p = Path.of(c);
            if (executable ? Files.isExecutable(p) : Files.isReadable(p)) {
                return p;
            }
        }
        skipOrFail(debianPackage + " is not installed; install it: apt-get install -y " + debianPackage);
        throw new AssertionError("unreachable");
    }
}
