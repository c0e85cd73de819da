package io.devsec.update;

import io.devsec.testkit.Requirements;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helpers for child processes: system commands and child JVMs. */
final class ExternalTools {
    private ExternalTools() {
    }

    /** Skips the test when {@code command} is missing, unless CI=true, where it fails. */
    static void require(String command, String install) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                found = true;
            }
        }
        String message = command + " is not installed: " + install;
        if (!found) {
            Requirements.skipOrFail(message);
        }
    }

    record Result(int exit, String out, String err) {
    }

    static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("devsec-out", ".txt");
        Path err = Files.createTempFile("devsec-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static String java() {
        String env = System.getenv("DEVSEC_TEST_JAVA");
        return env != null ? env : Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isEmpty() ? cp : System.getProperty("java.class.path");
    }

    /**
     * The test class path with its folders (target/classes, target/test-classes) copied under
     * {@code into}: children keep working while a parallel build rewrites those folders.
     */
    static String snapshotClassPath(Path into) throws IOException {
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String entry : classPath().split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                Path copy = into.resolve("cp-" + n++);
                try (java.util.stream.Stream<Path> files = Files.walk(p)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Path target = copy.resolve(p.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(f, target);
                        }
                    }
                }
                out.add(copy.toString());
            } else {
                out.add(entry);
            }
        }
        return String.join(File.pathSeparator, out);
    }

    /** The command line of a child JVM running {@code mainClass} with the given class path. */
    static List<String> javaCommand(String classPath, String maxHeap, Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx" + maxHeap, "-XX:+UseSerialGC",
                "-Xshare:auto", "-cp", classPath, mainClass.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
