package io.devsec.tools.testing;

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

    /** Returns the first candidate that exists, or skips (fails on CI) with the install command. */
    public static Path require(String aptPackage, String... candidates) {
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isReadable(p)) {
                return p;
            }
        }
        String msg = aptPackage + " is not installed; install it: apt-get install -y " + aptPackage;
        if (onCi()) {
            throw new AssertionError(msg + " (CI=true: required)");
        }
        Assumptions.abort(msg);
        throw new AssertionError("unreachable");
    }
}
