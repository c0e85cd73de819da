package io.devsec.tools.provision;

import io.devsec.core.provisioning.LabelPasswords;
import io.devsec.core.provisioning.ProvisioningRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.tools.JsonOut;
import io.devsec.tools.Terminal;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devsec provision --count N --out DIR}: unique credentials for a batch of devices (provision 4.1).
 *
 * <p>Writes {@code DIR/labels.csv} (serial number and initial password, for the label printer) and
 * {@code DIR/records/SERIAL.json}, one provisioning record per device, which the device consumes on its
 * first start ({@code DeviceSecurity.builder().provisioningRecord(...)}) and then deletes. Every password
 * is drawn from {@link SecureRandom} by {@link LabelPasswords} (more than 80 bits of entropy), is not
 * derivable from the serial number, and is checked to be unique across the batch.
 *
 * <p><b>Warning:</b> the output holds every password of the batch in clear. It is created owner-only
 * (folders 0700, files 0600) where the file system has POSIX permissions; where it has none (Windows), the
 * files inherit the folder's access list, and the command says so on stderr (and in {@code --json}'s
 * {@code warnings}): restrict the folder yourself. Move the output to the label printer and the
 * programming station, then destroy it.
 */
@Command(
        name = "provision",
        mixinStandardHelpOptions = true,
        description = {
            "Generate unique initial passwords and provisioning records for a batch of devices.",
            "Writes DIR/labels.csv (serial,password) and DIR/records/SERIAL.json (owner-only)."
        })
public final class ProvisionCommand implements Callable<Integer> {

    /** The largest batch one run writes. */
    static final int MAX_COUNT = 10_000_000;

    private static final Set<java.nio.file.attribute.PosixFilePermission> DIR_PERMS =
            PosixFilePermissions.fromString("rwx------");
    private static final Set<java.nio.file.attribute.PosixFilePermission> FILE_PERMS =
            PosixFilePermissions.fromString("rw-------");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--count", required = true, description = "Number of devices in the batch (1 to 10,000,000).")
    int count;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder; must not exist or be empty.")
    String outName;

    @Option(names = "--json", description = "Print the summary as one JSON object (see docs/cli-json.md).")
    boolean json;

    private final FileSystem fileSystem;
    private Path out;
    private boolean posix;
    private final List<String> warnings = new ArrayList<>();

    /** The command as the CLI runs it, on the default file system. */
    public ProvisionCommand() {
        this(FileSystems.getDefault());
    }

    /** Test seam: the file system --out is resolved in (e.g. one without POSIX permissions). */
    ProvisionCommand(FileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    @Option(names = "--serial-prefix", defaultValue = "DS", description = "Prefix of the serial numbers (default: ${DEFAULT-VALUE}).")
    String serialPrefix;

    @Option(names = "--first-serial", defaultValue = "1", description = "Number of the first serial (default: ${DEFAULT-VALUE}).")
    long firstSerial;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        if (count < 1 || count > MAX_COUNT) {
            throw new CommandLine.ParameterException(cl, "--count must be 1 to " + MAX_COUNT + ", was " + count);
        }
        if (firstSerial < 0 || firstSerial > Long.MAX_VALUE - count) {
            throw new CommandLine.ParameterException(cl, "--first-serial must be 0 or more, was " + firstSerial);
        }
        if (!serialPrefix.matches("[A-Za-z0-9._-]{0,40}")) {
            throw new CommandLine.ParameterException(cl,
                    "--serial-prefix must be at most 40 characters of A-Z a-z 0-9 . _ -");
        }
        out = fileSystem.getPath(outName);
        posix = hasPosixPermissions(out);
        if (!posix) {
            warnings.add("could not restrict permissions: the file system of " + out + " has no POSIX permissions;"
                    + " labels.csv and records/ are readable by whoever the folder's access list allows: restrict "
                    + out.toAbsolutePath() + " to your account yourself (on Windows: icacls)");
        }
        prepareEmptyFolder(out);
        Path records = out.resolve("records");
        Files.createDirectory(records, dirAttributes());
        Terminal.Progress progress = new Terminal.Progress(cl.getErr(), "provisioning", count, count >= 10_000);

        long start = System.nanoTime();
        SecureRandom random = new SecureRandom();
        Set<String> issued = new HashSet<>(count * 2);
        int collisions = 0;
        Path labels = out.resolve("labels.csv");
        try (FileChannel labelFile = createOwnerOnly(labels)) {
            StringBuilder csv = new StringBuilder("serial,password\n");
            for (int i = 0; i < count; i++) {
                String serial = String.format("%s%08d", serialPrefix, firstSerial + i);
                char[] password = LabelPasswords.generate(random);
                // Uniqueness is checked, not assumed: a repeat (odds about n^2 / 2^83) is redrawn.
                while (!issued.add(new String(password))) {
                    collisions++;
                    Arrays.fill(password, '\0');
                    password = LabelPasswords.generate(random);
                }
                ProvisioningRecord record = ProvisioningRecord.of(serial, password);
                writeRecord(records.resolve(serial + ".json"), record);
                record.destroy();
                csv.append(serial).append(',').append(password).append('\n');
                Arrays.fill(password, '\0');
                if (csv.length() > 1 << 16) {
                    writeFully(labelFile, csv);
                    csv.setLength(0);
                }
                progress.update(i + 1L);
            }
            writeFully(labelFile, csv);
            labelFile.force(true);
        }
        progress.done();
        syncFolder(records);
        syncFolder(out);
        long millis = (System.nanoTime() - start) / 1_000_000;
        PrintWriter stdout = cl.getOut();
        for (String w : warnings) {
            cl.getErr().println("devsec provision: warning: " + w);
        }
        cl.getErr().flush();
        if (json) {
            ObjectNode o = JsonOut.result("provision");
            o.put("count", count);
            o.put("firstSerial", String.format("%s%08d", serialPrefix, firstSerial));
            o.put("lastSerial", String.format("%s%08d", serialPrefix, firstSerial + count - 1));
            o.put("labels", labels.toString());
            o.put("records", records.toString());
            o.put("millis", millis);
            o.put("passwordLength", LabelPasswords.LENGTH);
            o.put("alphabetSize", LabelPasswords.ALPHABET_SIZE);
            o.put("entropyBits", LabelPasswords.ENTROPY_BITS_FLOOR);
            o.put("redrawn", collisions);
            o.put("permissionsRestricted", posix);
            warnings.forEach(o.putArray("warnings")::add);
            JsonOut.print(stdout, o);
            return 0;
        }
        stdout.printf("Provisioned %d devices (%s%08d to %s%08d) in %d ms: %s and %s%n", count, serialPrefix, firstSerial,
                serialPrefix, firstSerial + count - 1, millis, labels, records);
        stdout.printf("Passwords: %d characters from a %d-symbol alphabet (%d bits of entropy each), unique across the batch (%d redrawn).%n",
                LabelPasswords.LENGTH, LabelPasswords.ALPHABET_SIZE, LabelPasswords.ENTROPY_BITS_FLOOR, collisions);
        stdout.println("The output holds every password in clear: destroy it once labels are printed and devices programmed.");
        stdout.flush();
        return 0;
    }

    private void prepareEmptyFolder(Path folder) throws IOException {
        if (Files.exists(folder)) {
            if (!Files.isDirectory(folder)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--out " + folder + " is a file, not a folder");
            }
            try (Stream<Path> entries = Files.list(folder)) {
                if (entries.findAny().isPresent()) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--out " + folder + " is not empty: refusing to mix or overwrite batches");
                }
            }
            if (posix) {
                Files.setPosixFilePermissions(folder, DIR_PERMS);
            }
        } else {
            Files.createDirectories(folder, dirAttributes());
        }
    }

    private FileAttribute<?>[] dirAttributes() {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIR_PERMS)} : new FileAttribute<?>[0];
    }

    /** Whether the file system that will hold {@code folder} has POSIX permissions (not on Windows). */
    private static boolean hasPosixPermissions(Path folder) throws IOException {
        Path p = folder.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return folder.getFileSystem().supportedFileAttributeViews().contains("posix");
        }
        return Files.getFileStore(p).supportsFileAttributeView(PosixFileAttributeView.class);
    }

    /**
     * Writes one record into a new owner-only file. No fsync per file: a batch of 100,000 would then be
     * bound by the disk's fsync rate; the folder is synced at the end and the label file forced.
     */
    private void writeRecord(Path file, ProvisioningRecord record) throws IOException {
        byte[] json = record.toJson();
        try (FileChannel channel = createOwnerOnly(file)) {
            ByteBuffer buffer = ByteBuffer.wrap(json);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } finally {
            Arrays.fill(json, (byte) 0);
        }
    }

    private FileChannel createOwnerOnly(Path file) throws IOException {
        try {
            Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return posix ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(FILE_PERMS))
                    : FileChannel.open(file, options);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("refusing to overwrite " + file, e);
        }
    }

    private static void writeFully(FileChannel channel, StringBuilder text) throws IOException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        Arrays.fill(bytes, (byte) 0);
    }

    private void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            if (posix) {
                throw new UncheckedIOException("could not sync " + folder, e instanceof IOException ? (IOException) e
                        : new IOException(e));
            }
            // Windows cannot open a folder to fsync it; its file systems journal their metadata instead.
            warnings.add("could not fsync folder " + folder + " (not supported on this file system): a power cut right"
                    + " now could lose file names");
        }
    }
}
