package io.devsec.transport.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Starts a main class of the test class path in a child JVM. */
public final class ChildJvm {
    private ChildJvm() {
    }

    public static Process start(Class<?> main, String... args) throws IOException {
        return start(main, List.of(), args);
    }

    /** Starts a child with extra environment variables ({@code NAME=value}). */
    public static Process start(Class<?> main, List<String> env, String... args) throws IOException {
        return start(main, env, List.of(), args);
    }

    /** Starts a child with extra environment variables ({@code NAME=value}) and JVM options (for example {@code -Xmx64m}). */
    public static Process start(Class<?> main, List<String> env, List<String> jvmOptions, String... args) throws IOException {
        String java = System.getenv("DEVSEC_TEST_JAVA");
        if (java == null || java.isEmpty()) {
            java = System.getProperty("java.home") + "/bin/java";
        }
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isEmpty()) {
            cp = System.getProperty("java.class.path");
        }
        List<String> cmd = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", cp, main.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        for (String e : env) {
            int i = e.indexOf('=');
            pb.environment().put(e.substring(0, i), e.substring(i + 1));
        }
        return pb.start();
    }
}
