package io.devsec.tools.evidence;

import io.devsec.core.DeviceSecurity;
import io.devsec.core.LoginThrottle;
import io.devsec.core.validation.ValidationException;
import io.devsec.storage.MasterKeySource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A copy of a device's data folder in a temporary folder, which the evidence cases open, log into, reset and
 * wipe: the live folder is only read (copied), never opened as a device.
 */
final class Twin implements AutoCloseable {
    private final Path root;
    private final Path folder;
    private final Path config;
    private final char[] passphrase;
    private final String productName;

    private Twin(Path root, Path folder, Path config, char[] passphrase, String productName) {
        this.root = root;
        this.folder = folder;
        this.config = config;
        this.passphrase = passphrase;
        this.productName = productName;
    }

    /**
     * Copies {@code source} into a new temporary folder.
     *
     * @param source the device's data folder
     * @param config the device's configuration file, or null
     * @param passphrase the keystore passphrase, or null for the device secret file; copied
     * @param productName the product name (a configuration file's replaces it)
     */
    static Twin copyOf(Path source, Path config, char[] passphrase, String productName) throws IOException {
        Path root = Files.createTempDirectory("devsec-evidence-");
        Path folder = root.resolve("data");
        copyTree(source, folder);
        return new Twin(root, folder, config, passphrase == null ? null : passphrase.clone(),
                productName);
    }

    /** The twin's data folder. */
    Path folder() {
        return folder;
    }

    /** A scratch folder beside the twin, removed with it. */
    Path scratch(String name) throws IOException {
        return Files.createDirectories(root.resolve(name));
    }

    /** Opens the twin as the device application would (its configuration file, its master key). */
    DeviceSecurity open() throws IOException, GeneralSecurityException {
        return open(null);
    }

    /** Opens the twin with a login throttle (null: the SDK's default). */
    DeviceSecurity open(LoginThrottle throttle) throws IOException, GeneralSecurityException {
        return openAt(folder, throttle);
    }

    /**
     * Opens (creating it when empty) the device in {@code dataFolder} with the twin's configuration and master key
     * source: a fresh device "of the same model", for cases that must not change the twin.
     */
    DeviceSecurity openAt(Path dataFolder, LoginThrottle throttle) throws IOException, GeneralSecurityException {
        DeviceSecurity.Builder b = DeviceSecurity.builder().dataFolder(dataFolder).productName(productName);
        if (config != null) {
            try {
                b.configFile(config);
            } catch (ValidationException e) {
                throw new IOException("configuration file " + config + " refused: " + e.getMessage(), e);
            }
        }
        if (passphrase != null) {
            b.masterKeySource(MasterKeySource.passphrase(passphrase.clone()));
        }
        if (throttle != null) {
            b.loginThrottle(throttle);
        }
        return b.build();
    }

    /** Every regular file of the twin's data folder. */
    List<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(folder)) {
            s.filter(Files::isRegularFile).forEach(out::add);
        }
        return out;
    }

    @Override
    public void close() {
        if (passphrase != null) {
            Arrays.fill(passphrase, '\0');
        }
        try {
            deleteTree(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the twin " + root, e);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<Path>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<Path>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
