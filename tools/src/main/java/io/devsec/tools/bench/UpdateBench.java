package io.devsec.tools.bench;

import io.devsec.tools.update.SigningKey;
import io.devsec.update.Envelope;
import io.devsec.update.KeyAlgorithm;
import io.devsec.update.RollbackCounter;
import io.devsec.update.RootMetadata;
import io.devsec.update.UpdateMetadata;
import io.devsec.update.UpdateVerifier;
import io.devsec.update.VerifiedUpdate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devsec bench update}: verifies a signed image the way a device does (metadata signature,
 * then the image streamed through SHA-256 with its length checked) and, in the same run on the
 * same file, hashes it with {@code openssl dgst -sha256} and {@code sha256sum}. Runs are
 * interleaved and the file is read once first so all three read from the page cache. Prints the
 * median throughput of each and the ratios. Target: DevSec at 0.9x of openssl or better.
 */
@Command(name = "update", mixinStandardHelpOptions = true,
        description = "Signed image verification throughput against openssl dgst -sha256 and sha256sum.")
public final class UpdateBench implements Callable<Integer> {

    @Option(names = "--size-mib", defaultValue = "1024", description = "Image size in MiB (default ${DEFAULT-VALUE}).")
    long sizeMib;

    @Option(names = "--runs", defaultValue = "5", description = "Measured runs of each (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--dir", description = "Folder for the image (default: a temporary folder, deleted afterwards).")
    Path dir;

    @Option(names = "--fail-on-miss", description = "Exit with 1 when DevSec is below 0.9x of openssl.")
    boolean failOnMiss;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    BenchJson output = new BenchJson();

    @Override
    public Integer call() throws Exception {
        if (sizeMib < 1 || runs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--size-mib and --runs must be positive");
        }
        PrintWriter out = output.text(spec);
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("devsec-bench-update");
        Path image = work.resolve("image.bin");
        try {
            long length = sizeMib << 20;
            out.printf(Locale.ROOT, "Generating a %d MiB image in %s%n", sizeMib, work);
            out.flush();
            byte[] digest = generate(image, length);

            SigningKey key = SigningKey.generate(KeyAlgorithm.ED25519);
            RootMetadata root = RootMetadata.builder().version(1).expires(Instant.now().plus(1, ChronoUnit.DAYS))
                    .rootKey(key.publicKey()).rootThreshold(1).updateKey(key.publicKey()).updateThreshold(1).build();
            byte[] rootEnv = Envelope.of(Envelope.ROOT_PAYLOAD_TYPE, root.toPayload(),
                    List.of(key.signEnvelope(Envelope.ROOT_PAYLOAD_TYPE, root.toPayload()))).toJson();
            UpdateMetadata md = UpdateMetadata.builder().version(2).hardwareId("bench").imageLength(length)
                    .imageSha256(digest).expires(Instant.now().plus(1, ChronoUnit.DAYS)).securityUpdate(false)
                    .reason("benchmark").build();
            byte[] updEnv = Envelope.of(Envelope.UPDATE_PAYLOAD_TYPE, md.toPayload(),
                    List.of(key.signEnvelope(Envelope.UPDATE_PAYLOAD_TYPE, md.toPayload()))).toJson();

            boolean haveSha256sum = onPath("sha256sum");
            boolean haveOpenssl = onPath("openssl");
            // Warm up: page cache and JIT.
            devsec(rootEnv, updEnv, image);
            List<Double> devsec = new ArrayList<>();
            List<Double> openssl = new ArrayList<>();
            List<Double> sha256sum = new ArrayList<>();
            io.devsec.tools.Terminal.Progress progress = new io.devsec.tools.Terminal.Progress(
                    spec.commandLine().getErr(), "bench update runs", runs, true);
            for (int i = 0; i < runs; i++) {
                progress.update(i);
                devsec.add(devsec(rootEnv, updEnv, image));
                if (haveOpenssl) {
                    openssl.add(external(List.of("openssl", "dgst", "-sha256", image.toString())));
                }
                if (haveSha256sum) {
                    sha256sum.add(external(List.of("sha256sum", image.toString())));
                }
            }
            progress.update(runs);
            progress.done();
            double gb = length / 1e9;
            double d = gb / median(devsec);
            output.metric(spec, "imageBytes", length);
            output.metric(spec, "runs", runs);
            output.metric(spec, "devsecVerifyGBps", d);
            out.printf(Locale.ROOT, "image %d MiB, %d runs each, medians:%n", sizeMib, runs);
            out.printf(Locale.ROOT, "  devsec verify (signature + streamed SHA-256 + length): %.2f GB/s (%.3f s)%n", d,
                    median(devsec));
            boolean miss = false;
            if (haveOpenssl) {
                double o = gb / median(openssl);
                out.printf(Locale.ROOT, "  openssl dgst -sha256:                                  %.2f GB/s (%.3f s)%n", o,
                        median(openssl));
                out.printf(Locale.ROOT, "  ratio devsec/openssl: %.2fx (target >= 0.90x)%s%n", d / o,
                        d / o >= 0.9 ? "" : "  MISSED");
                miss = d / o < 0.9;
                output.metric(spec, "opensslGBps", o);
                output.ratio(spec, "devsec/openssl", d / o, ">=0.9", !miss);
            } else {
                out.println("  openssl not found (apt-get install -y openssl): no ratio");
            }
            if (haveSha256sum) {
                double s = gb / median(sha256sum);
                out.printf(Locale.ROOT, "  sha256sum:                                             %.2f GB/s (%.3f s)%n", s,
                        median(sha256sum));
                out.printf(Locale.ROOT, "  ratio devsec/sha256sum: %.2fx%n", d / s);
                output.metric(spec, "sha256sumGBps", s);
                output.ratio(spec, "devsec/sha256sum", d / s, null, null);
            }
            out.flush();
            output.finish(spec);
            return failOnMiss && miss ? 1 : 0;
        } finally {
            Files.deleteIfExists(image);
            if (dir == null) {
                Files.deleteIfExists(work);
            }
        }
    }

    /** Seconds for one device-side verification: metadata, then the streamed image. */
    private static double devsec(byte[] rootEnv, byte[] updEnv, Path image) throws Exception {
        long start = System.nanoTime();
        UpdateVerifier v = UpdateVerifier.builder().initialRoot(rootEnv).rollbackCounter(RollbackCounter.inMemory(0))
                .hardwareId("bench").build();
        VerifiedUpdate u = v.verifyMetadata(updEnv, 1);
        try (InputStream in = Files.newInputStream(image)) {
            UpdateVerifier.copyImage(u, in, OutputStream.nullOutputStream());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static double external(List<String> command) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(command.get(0) + " failed");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] generate(Path file, long length) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[1 << 20];
        SecureRandom random = new SecureRandom();
        random.nextBytes(block);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            for (long written = 0; written < length; written += block.length) {
                // Vary each block so nothing downstream can deduplicate it.
                long w = written;
                for (int i = 0; i < 8; i++) {
                    block[i] = (byte) (w >>> (8 * i));
                }
                int n = (int) Math.min(block.length, length - written);
                md.update(block, 0, n);
                ByteBuffer buf = ByteBuffer.wrap(block, 0, n);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
        }
        return md.digest();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
