package io.devsec.tools.bench;

import io.devsec.tools.Terminal;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devsec bench startup}: what a device application pays at start for DevSec. Starts fresh JVMs
 * (the same java binary) on the same class path, alternating: (a) a bare JVM running an empty main class,
 * (b) a JVM that runs {@code DeviceSecurity.builder().dataFolder(DIR)...build()} on an existing data
 * folder and then {@code close()}. Reports the median wall time of each (process start to exit) and
 * their ratio, and, from one extra run of each with {@code -verbose:class}, the classes loaded by the
 * whole process and by build() alone. Targets: build() loads at most 1,200 classes; the process takes at
 * most 2x the bare JVM.
 */
@Command(
        name = "startup",
        mixinStandardHelpOptions = true,
        description = {"Start-up cost: fresh JVMs running DeviceSecurity.builder()...build() + close() on an existing data"
                + " folder, against bare JVMs running an empty main, on the same class path.",
            "Reports median wall times and their ratio (target <= 2x) and the classes build() loads (target <= 1200)."})
public final class StartupBench implements Callable<Integer> {
    static final int MAX_BUILD_CLASSES = 1200;
    static final double MAX_RATIO = 2.0;

    @Option(names = "--runs", defaultValue = "10", description = "Timed runs of each (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--classpath", paramLabel = "PATH",
            description = "Class path with devsec-core and its dependencies (default: this tool's own class path,"
                    + " i.e. the devsec.jar it runs from). The probe classes of this tool are appended.")
    String classpath;

    @Option(names = "--java", paramLabel = "FILE", description = "java binary (default: the one running this tool).")
    Path java;

    @Option(names = "--jvm-option", paramLabel = "OPT", description = "Extra option for both children (repeat).")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--fail-on-miss", description = "Exit with 1 when a target is missed.")
    boolean failOnMiss;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    BenchJson output = new BenchJson();

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || runs > 1000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be 1 to 1000");
        }
        PrintWriter out = output.text(spec);
        String javaBin = java != null ? java.toString()
                : Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cp = childClassPath();
        Path data = Files.createTempDirectory("devsec-bench-startup");
        try {
            // First start creates identity, keystore and password: not measured.
            Child first = run(javaBin, cp, false, "build", data.resolve("device").toString());
            if (first.exit != 0) {
                throw new IOException("the first start of the device failed (exit " + first.exit + "): " + first.tail);
            }
            Path device = data.resolve("device");
            // Warm the page cache and the CDS archive once for both.
            run(javaBin, cp, false, "empty");
            run(javaBin, cp, false, "build", device.toString());
            long[] bare = new long[runs];
            long[] build = new long[runs];
            Terminal.Progress progress = new Terminal.Progress(spec.commandLine().getErr(), "bench startup runs", runs,
                    true);
            for (int i = 0; i < runs; i++) {
                progress.update(i);
                // Alternate so that noise from other processes hits both alike.
                Child a = run(javaBin, cp, false, "empty");
                Child b = run(javaBin, cp, false, "build", device.toString());
                if (a.exit != 0 || b.exit != 0) {
                    throw new IOException("a child failed (exit " + a.exit + "/" + b.exit + "): " + a.tail + b.tail);
                }
                bare[i] = a.nanos;
                build[i] = b.nanos;
            }
            progress.update(runs);
            progress.done();
            Child bareClasses = run(javaBin, cp, true, "empty");
            Child buildClasses = run(javaBin, cp, true, "build", device.toString());
            double bareMs = median(bare) / 1e6;
            double buildMs = median(build) / 1e6;
            double ratio = buildMs / bareMs;
            boolean classesMet = buildClasses.classesInBuild <= MAX_BUILD_CLASSES;
            boolean ratioMet = ratio <= MAX_RATIO;
            out.printf(Locale.ROOT, "devsec bench startup: %d runs each, %s, class path of %d entries%n", runs, javaBin,
                    cp.split(File.pathSeparator).length);
            out.printf(Locale.ROOT, "%-52s %10s %10s%n", "", "median", "classes");
            out.printf(Locale.ROOT, "%-52s %7.0f ms %10d%n", "bare JVM, empty main", bareMs, bareClasses.classesTotal);
            out.printf(Locale.ROOT, "%-52s %7.0f ms %10d%n", "JVM + DeviceSecurity build() + close()", buildMs,
                    buildClasses.classesTotal);
            out.printf(Locale.ROOT, "classes loaded during build(): %d (target <= %d: %s)%n", buildClasses.classesInBuild,
                    MAX_BUILD_CLASSES, classesMet ? "met" : "MISSED");
            out.printf(Locale.ROOT, "ratio build process / bare JVM: %.2fx (target <= %.1fx: %s)%n", ratio, MAX_RATIO,
                    ratioMet ? "met" : "MISSED");
            out.flush();
            output.metric(spec, "runs", runs);
            output.metric(spec, "bareMedianMillis", bareMs);
            output.metric(spec, "startupMedianMillis", buildMs);
            output.metric(spec, "bareClassesLoaded", bareClasses.classesTotal);
            output.metric(spec, "processClassesLoaded", buildClasses.classesTotal);
            output.metric(spec, "buildClassesLoaded", buildClasses.classesInBuild);
            output.ratio(spec, "startup/bare", ratio, "<=" + MAX_RATIO, ratioMet);
            output.ratio(spec, "buildClassesLoaded/" + MAX_BUILD_CLASSES, buildClasses.classesInBuild
                    / (double) MAX_BUILD_CLASSES, "<=1.0", classesMet);
            output.finish(spec);
            return failOnMiss && !(classesMet && ratioMet) ? 1 : 0;
        } finally {
            deleteTree(data);
        }
    }

    private String childClassPath() throws URISyntaxException {
        String base = classpath != null ? classpath : System.getProperty("java.class.path");
        String probe = Paths.get(StartupProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        List<String> entries = new ArrayList<>(Arrays.asList(base.split(File.pathSeparator)));
        if (!entries.contains(probe)) {
            entries.add(probe);
        }
        return String.join(File.pathSeparator, entries);
    }

    /** One child run: wall time, exit code and, when counted, classes loaded. */
    private static final class Child {
        long nanos;
        int exit;
        int classesTotal;
        int classesInBuild;
        String tail = "";
    }

    private Child run(String javaBin, String cp, boolean countClasses, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(jvmOptions);
        if (countClasses) {
            cmd.add("-verbose:class");
        }
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(StartupProbe.class.getName());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        Child c = new Child();
        long t0 = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        boolean inBuild = false;
        StringBuilder tail = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("[") && line.contains("class,load")) {
                    c.classesTotal++;
                    if (inBuild) {
                        c.classesInBuild++;
                    }
                } else if (line.equals(StartupProbe.BUILD_START)) {
                    inBuild = true;
                } else if (line.equals(StartupProbe.BUILD_END)) {
                    inBuild = false;
                } else if (tail.length() < 2000) {
                    tail.append(line).append('\n');
                }
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.toHandle().destroyForcibly();
            throw new IOException("child JVM did not end within 120 s");
        }
        c.nanos = System.nanoTime() - t0;
        c.exit = p.exitValue();
        c.tail = tail.toString();
        return c;
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
