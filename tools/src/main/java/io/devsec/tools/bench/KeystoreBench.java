package io.devsec.tools.bench;

import io.devsec.storage.Keystore;
import io.devsec.storage.MasterKeySource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devsec bench keystore}: the latency of the keystore's get and durable put against the raw
 * work each must do, measured in the same run on the same folder.
 *
 * <ul>
 *   <li>get = {@code Keystore.secret(name)} on a keystore of {@code --entries} entries; its baseline is
 *       one JDK AES-256-GCM decryption of a sealed value of the same size with AAD of the same size
 *       (a reused {@code Cipher}, as the keystore reuses its ciphers). Target: median within 2x.
 *   <li>put = {@code Keystore.putSecret(name, value)}, durable on return; its baseline writes a file of
 *       the keystore file's size to a temporary file, fsyncs it and renames it over the target. Target:
 *       median within 1.5x. The same baseline plus an fsync of the folder (which the keystore also
 *       does, so the rename itself survives a power cut) is shown too.
 * </ul>
 *
 * Measurements of a subject and its baseline are interleaved (gets in blocks of 1000, puts one by one
 * in rotating order) so that noise from other processes hits both alike.
 *
 * <p>Why put misses 1.5x of the bare write+fsync+rename baseline: a durable put must also fsync the
 * folder, or a power cut after the rename can bring back the old file; that second fsync costs about
 * as much as the first on ext4. Against the baseline that does the same two fsyncs the put is within
 * about 1.1-1.3x.
 */
@Command(
        name = "keystore",
        mixinStandardHelpOptions = true,
        description = "Keystore get and durable put latency (median, p99) against raw AES-GCM decrypt and raw "
                + "write+fsync+rename of a file of the same size, with ratios.")
public final class KeystoreBench implements Callable<Integer> {

    @Option(names = "--entries", defaultValue = "1000", description = "Entries in the keystore (default ${DEFAULT-VALUE}).")
    int entries;

    @Option(names = "--value-size", defaultValue = "64", description = "Bytes per secret value (default ${DEFAULT-VALUE}).")
    int valueSize;

    @Option(names = "--get-iterations", defaultValue = "200000",
            description = "Measured gets, and as many raw decrypts (default ${DEFAULT-VALUE}).")
    int getIterations;

    @Option(names = "--put-iterations", defaultValue = "300",
            description = "Measured durable puts, and as many raw writes of each baseline (default ${DEFAULT-VALUE}).")
    int putIterations;

    @Option(names = "--dir", description = "Folder to work in (default: a new temporary folder, deleted afterwards). "
            + "Use it to measure the disk a device will use.")
    Path dir;

    @Option(names = "--fail-on-miss", description = "Exit with 1 when a target is missed.")
    boolean failOnMiss;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    BenchJson output = new BenchJson();

    private final SecureRandom random = new SecureRandom();

    /** Results of one run, for tests and callers. */
    public static final class Result {
        public final Stats get;
        public final Stats rawDecrypt;
        public final Stats put;
        public final Stats rawWrite;
        public final Stats rawWriteDirSync;
        public final long fileSize;

        Result(Stats get, Stats rawDecrypt, Stats put, Stats rawWrite, Stats rawWriteDirSync, long fileSize) {
            this.get = get;
            this.rawDecrypt = rawDecrypt;
            this.put = put;
            this.rawWrite = rawWrite;
            this.rawWriteDirSync = rawWriteDirSync;
            this.fileSize = fileSize;
        }

        public double getRatio() {
            return (double) get.median / rawDecrypt.median;
        }

        public double putRatio() {
            return (double) put.median / rawWrite.median;
        }

        public double putRatioWithDirSync() {
            return (double) put.median / rawWriteDirSync.median;
        }
    }

    /** Median and 99th percentile of a sample, in nanoseconds. */
    public static final class Stats {
        public final long median;
        public final long p99;
        public final int samples;

        Stats(long[] nanos) {
            long[] s = nanos.clone();
            Arrays.sort(s);
            this.samples = s.length;
            this.median = s[s.length / 2];
            this.p99 = s[Math.min(s.length - 1, (int) Math.ceil(s.length * 0.99) - 1)];
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter out = output.text(spec);
        boolean temporary = dir == null;
        Path work = temporary ? Files.createTempDirectory("devsec-bench-keystore") : dir;
        try {
            Result r = run(work);
            print(out, r, work);
            output.metric(spec, "entries", entries);
            output.metric(spec, "valueBytes", valueSize);
            output.metric(spec, "keystoreFileBytes", r.fileSize);
            output.metric(spec, "getMedianNanos", r.get.median);
            output.metric(spec, "getP99Nanos", r.get.p99);
            output.metric(spec, "rawDecryptMedianNanos", r.rawDecrypt.median);
            output.metric(spec, "putMedianNanos", r.put.median);
            output.metric(spec, "putP99Nanos", r.put.p99);
            output.metric(spec, "rawWriteMedianNanos", r.rawWrite.median);
            output.metric(spec, "rawWriteFolderSyncMedianNanos", r.rawWriteDirSync.median);
            output.ratio(spec, "get/rawDecrypt", r.getRatio(), "<=2.0", r.getRatio() <= 2.0);
            output.ratio(spec, "put/rawWrite", r.putRatio(), "<=1.5", r.putRatio() <= 1.5);
            output.ratio(spec, "put/rawWriteFolderSync", r.putRatioWithDirSync(), null, null);
            output.finish(spec);
            boolean met = r.getRatio() <= 2.0 && r.putRatio() <= 1.5;
            return failOnMiss && !met ? 1 : 0;
        } finally {
            if (temporary) {
                deleteTree(work);
            }
        }
    }

    private void validate() {
        if (entries < 1 || entries > 50_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--entries must be 1 to 50000.");
        }
        if (valueSize < 1 || valueSize > 65_536) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--value-size must be 1 to 65536.");
        }
        if (getIterations < 100 || putIterations < 10) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--get-iterations must be at least 100 and --put-iterations at least 10.");
        }
    }

    Result run(Path work) throws Exception {
        Path ksFile = work.resolve("bench-keystore");
        Path secretFile = work.resolve("bench-device.secret");
        Files.deleteIfExists(ksFile);
        Files.deleteIfExists(secretFile);
        String[] names = new String[entries];
        for (int i = 0; i < entries; i++) {
            names[i] = String.format(Locale.ROOT, "bench/entry-%05d", i);
        }
        try (Keystore ks = Keystore.open(ksFile, MasterKeySource.deviceSecretFile(secretFile))) {
            ks.batch(editor -> {
                for (String name : names) {
                    editor.putSecret(name, randomBytes(valueSize));
                }
            });
            long fileSize = Files.size(ksFile);

            // ---- get vs raw decrypt
            RawDecrypt raw = new RawDecrypt(valueSize, 8 + 3 + names[0].length());
            int[] order = new int[getIterations];
            for (int i = 0; i < order.length; i++) {
                order[i] = random.nextInt(entries);
            }
            long[] getNanos = new long[getIterations];
            long[] rawNanos = new long[getIterations];
            // Warm-up as long as the measurement: with 50,000 the JIT was still compiling the deeper get path
            // (C2) while it was measured, and the get median swung between 1.3x and 2.7x of the raw decrypt.
            int warm = Math.max(getIterations, 100_000);
            for (int i = 0; i < warm; i++) {
                ks.secret(names[order[i % getIterations]]);
                raw.decrypt();
            }
            int block = 1000;
            io.devsec.tools.Terminal.Progress progress = new io.devsec.tools.Terminal.Progress(
                    spec == null ? new PrintWriter(java.io.OutputStream.nullOutputStream()) : spec.commandLine().getErr(),
                    "bench keystore gets", getIterations + putIterations, true);
            for (int start = 0; start < getIterations; start += block) {
                progress.update(start);
                int end = Math.min(getIterations, start + block);
                for (int i = start; i < end; i++) {
                    long t0 = System.nanoTime();
                    byte[] v = ks.secret(names[order[i]]).get();
                    getNanos[i] = System.nanoTime() - t0;
                    if (v.length != valueSize) {
                        throw new IllegalStateException("wrong value size");
                    }
                }
                for (int i = start; i < end; i++) {
                    long t0 = System.nanoTime();
                    byte[] v = raw.decrypt();
                    rawNanos[i] = System.nanoTime() - t0;
                    if (v.length != valueSize) {
                        throw new IllegalStateException("wrong value size");
                    }
                }
            }

            // ---- put vs raw write+fsync+rename (with and without folder fsync)
            Path rawTarget = work.resolve("bench-raw");
            byte[] rawContent = randomBytes((int) fileSize);
            long[] putNanos = new long[putIterations];
            long[] writeNanos = new long[putIterations];
            long[] writeDirNanos = new long[putIterations];
            for (int i = 0; i < Math.min(20, putIterations); i++) {
                ks.putSecret(names[random.nextInt(entries)], randomBytes(valueSize));
                rawWrite(rawTarget, rawContent, false);
                rawWrite(rawTarget, rawContent, true);
            }
            for (int i = 0; i < putIterations; i++) {
                progress.update(getIterations + i);
                byte[] value = randomBytes(valueSize);
                String name = names[random.nextInt(entries)];
                // Rotate the order so no subject always follows the same predecessor.
                for (int k = 0; k < 3; k++) {
                    int which = (i + k) % 3;
                    long t0 = System.nanoTime();
                    if (which == 0) {
                        ks.putSecret(name, value);
                        putNanos[i] = System.nanoTime() - t0;
                    } else if (which == 1) {
                        rawWrite(rawTarget, rawContent, false);
                        writeNanos[i] = System.nanoTime() - t0;
                    } else {
                        rawWrite(rawTarget, rawContent, true);
                        writeDirNanos[i] = System.nanoTime() - t0;
                    }
                }
            }
            Files.deleteIfExists(rawTarget);
            progress.done();
            return new Result(new Stats(getNanos), new Stats(rawNanos), new Stats(putNanos), new Stats(writeNanos),
                    new Stats(writeDirNanos), fileSize);
        } finally {
            Files.deleteIfExists(ksFile);
            Files.deleteIfExists(work.resolve("bench-keystore.lock"));
            Files.deleteIfExists(secretFile);
        }
    }

    /** A JDK AES-256-GCM decryption of one sealed value, with a reused Cipher. */
    private final class RawDecrypt {
        final Cipher cipher;
        final SecretKeySpec key;
        final byte[] sealed;
        final byte[] aad;

        RawDecrypt(int valueSize, int aadSize) throws GeneralSecurityException {
            key = new SecretKeySpec(randomBytes(32), "AES");
            aad = randomBytes(aadSize);
            byte[] nonce = randomBytes(12);
            Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
            enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            enc.updateAAD(aad);
            byte[] ct = enc.doFinal(randomBytes(valueSize));
            sealed = new byte[12 + ct.length];
            System.arraycopy(nonce, 0, sealed, 0, 12);
            System.arraycopy(ct, 0, sealed, 12, ct.length);
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
        }

        byte[] decrypt() throws GeneralSecurityException {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, 12));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, 12, sealed.length - 12);
        }
    }

    private static void rawWrite(Path target, byte[] content, boolean fsyncFolder) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (fsyncFolder) {
            try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                d.force(true);
            }
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private void print(PrintWriter out, Result r, Path work) {
        out.printf(Locale.ROOT, "devsec bench keystore: %d entries of %d B, keystore file %d B, folder %s%n", entries,
                valueSize, r.fileSize, work);
        out.printf(Locale.ROOT, "%-46s %12s %12s %9s%n", "operation", "median", "p99", "samples");
        row(out, "get     Keystore.secret", r.get);
        row(out, "raw     JDK AES-256-GCM decrypt, same size", r.rawDecrypt);
        row(out, "put     Keystore.putSecret (durable)", r.put);
        row(out, "raw     write+fsync+rename, same size", r.rawWrite);
        row(out, "raw     write+fsync+rename+fsync(folder)", r.rawWriteDirSync);
        out.printf(Locale.ROOT, "ratio get / raw decrypt:                     %.2fx  (target <= 2.0x: %s)%n", r.getRatio(),
                r.getRatio() <= 2.0 ? "met" : "MISSED");
        out.printf(Locale.ROOT, "ratio put / raw write+fsync+rename:          %.2fx  (target <= 1.5x: %s)%n", r.putRatio(),
                r.putRatio() <= 1.5 ? "met" : "MISSED");
        out.printf(Locale.ROOT, "ratio put / raw write+fsync+rename+fsync(folder): %.2fx  (same durability as put)%n",
                r.putRatioWithDirSync());
        out.flush();
    }

    private static void row(PrintWriter out, String label, Stats s) {
        out.printf(Locale.ROOT, "%-46s %12s %12s %9d%n", label, human(s.median), human(s.p99), s.samples);
    }

    static String human(long nanos) {
        if (nanos < 10_000) {
            return String.format(Locale.ROOT, "%.2f us", nanos / 1_000.0);
        }
        if (nanos < 10_000_000) {
            return String.format(Locale.ROOT, "%.1f us", nanos / 1_000.0);
        }
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1_000_000.0);
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
