package io.devsec.tools.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test class path in a child JVM (for environment variables and native libraries). */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** Exit code and combined output of a child run. */
    public record Result(int exit, String output) {
    }

    public static String java() {
        String java = System.getenv("DEVSEC_TEST_JAVA");
        return java == null || java.isEmpty() ? System.getProperty("java.home") + "/bin/java" : java;
    }

    public static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp == null || cp.isEmpty() ? System.getProperty("java.class.path") : cp;
    }

    public static Result run(Class<?> main, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                classPath(), main.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.toHandle().destroyForcibly();
            throw new IOException("child did not end: " + out);
        }
        return new Result(p.exitValue(), out);
    }
}
