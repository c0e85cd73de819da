package io.devsec.core.surface;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What of DevSec is exposed on this device (provision 4.6): the enabled features, the outbound
 * endpoints, every file in the data folder with its permissions, the sockets the process listens on,
 * the user it runs as, and warnings where least privilege is not met. Immutable; text and JSON.
 *
 * <p>The integrator passes the features and endpoints it configured; the report reads the rest from the
 * system when {@link Builder#build()} runs. Warnings: the process runs as root (effective uid 0, from
 * {@code /proc/self/status}); a file or folder in the data folder grants any permission to group or
 * others; an endpoint is not encrypted ({@code http:}, {@code tcp:}, {@code mqtt:}, {@code ws:});
 * the process listens on a socket (DevSec opens none, so it is the application's: close it if unused).
 */
public final class AttackSurfaceReport {

    /** One file or folder in the data folder. */
    public static final class FileEntry {
        private final String path;
        private final boolean directory;
        private final long size;
        private final Optional<String> permissions;

        FileEntry(String path, boolean directory, long size, Optional<String> permissions) {
            this.path = path;
            this.directory = directory;
            this.size = size;
            this.permissions = permissions;
        }

        /** The path relative to the data folder, with {@code /} separators. */
        public String path() {
            return path;
        }

        public boolean directory() {
            return directory;
        }

        public long size() {
            return size;
        }

        /** POSIX permissions such as {@code rw-------}; empty on file systems without them. */
        public Optional<String> permissions() {
            return permissions;
        }

        /** Whether group or others have any permission. */
        public boolean loose() {
            return permissions.isPresent() && !permissions.get().substring(3).equals("------");
        }

        @Override
        public String toString() {
            return path + (directory ? "/" : "") + " " + permissions.orElse("?") + (directory ? "" : " " + size + " B");
        }
    }

    private final Instant generatedAt;
    private final Path dataFolder;
    private final Map<String, String> features;
    private final Map<String, URI> endpoints;
    private final List<FileEntry> files;
    private final List<ListeningSocket> listeningSockets;
    private final Optional<Long> effectiveUid;
    private final List<String> warnings;

    private AttackSurfaceReport(Instant generatedAt, Path dataFolder, Map<String, String> features, Map<String, URI> endpoints,
            List<FileEntry> files, List<ListeningSocket> sockets, Optional<Long> uid, List<String> warnings) {
        this.generatedAt = generatedAt;
        this.dataFolder = dataFolder;
        this.features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
        this.endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
        this.files = Collections.unmodifiableList(new ArrayList<>(files));
        this.listeningSockets = Collections.unmodifiableList(new ArrayList<>(sockets));
        this.effectiveUid = uid;
        this.warnings = Collections.unmodifiableList(new ArrayList<>(warnings));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Instant generatedAt() {
        return generatedAt;
    }

    public Path dataFolder() {
        return dataFolder;
    }

    /** Enabled features by name, with what each does; nothing else is on. */
    public Map<String, String> features() {
        return features;
    }

    /** Outbound endpoints by name. */
    public Map<String, URI> endpoints() {
        return endpoints;
    }

    /** Every file and folder under the data folder, sorted by path. */
    public List<FileEntry> files() {
        return files;
    }

    /** Sockets the process accepts traffic on; empty also where the platform cannot tell (see {@link ListeningSockets}). */
    public List<ListeningSocket> listeningSockets() {
        return listeningSockets;
    }

    /** The effective user id of the process, where the platform tells (Linux). */
    public Optional<Long> effectiveUid() {
        return effectiveUid;
    }

    public boolean runsAsRoot() {
        return effectiveUid.isPresent() && effectiveUid.get() == 0L;
    }

    /** Least-privilege problems found, in words; empty when none. */
    public List<String> warnings() {
        return warnings;
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("DevSec attack surface report, ").append(generatedAt).append('\n');
        sb.append("Listening sockets opened by DevSec: none\n");
        sb.append("Enabled features:").append(features.isEmpty() ? " none" : "").append('\n');
        features.forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
        sb.append("Outbound endpoints:").append(endpoints.isEmpty() ? " none" : "").append('\n');
        endpoints.forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
        sb.append("Files in ").append(dataFolder).append(":\n");
        for (FileEntry f : files) {
            sb.append("  ").append(f).append('\n');
        }
        sb.append("Sockets this process listens on: ").append(listeningSockets.isEmpty() ? "none" : "").append('\n');
        for (ListeningSocket s : listeningSockets) {
            sb.append("  ").append(s).append('\n');
        }
        sb.append("Effective user id: ").append(effectiveUid.map(String::valueOf).orElse("unknown")).append('\n');
        sb.append("Warnings:").append(warnings.isEmpty() ? " none" : "").append('\n');
        for (String w : warnings) {
            sb.append("  WARNING: ").append(w).append('\n');
        }
        return sb.toString();
    }

    public String json() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("generatedAt", generatedAt.toString());
        o.put("dataFolder", dataFolder.toString());
        o.putArray("socketsOpenedByDevSec");
        ObjectNode f = o.putObject("features");
        features.forEach(f::put);
        ObjectNode e = o.putObject("endpoints");
        endpoints.forEach((k, v) -> e.put(k, v.toString()));
        ArrayNode fa = o.putArray("files");
        for (FileEntry fe : files) {
            ObjectNode n = fa.addObject();
            n.put("path", fe.path());
            n.put("directory", fe.directory());
            if (!fe.directory()) {
                n.put("size", fe.size());
            }
            fe.permissions().ifPresent(p -> n.put("permissions", p));
            n.put("loose", fe.loose());
        }
        ArrayNode sa = o.putArray("listeningSockets");
        for (ListeningSocket s : listeningSockets) {
            sa.addObject().put("protocol", s.protocol().name()).put("address", s.address()).put("port", s.port());
        }
        if (effectiveUid.isPresent()) {
            o.put("effectiveUid", effectiveUid.get());
        } else {
            o.putNull("effectiveUid");
        }
        o.put("runsAsRoot", runsAsRoot());
        ArrayNode w = o.putArray("warnings");
        warnings.forEach(w::add);
        return o.toString();
    }

    @Override
    public String toString() {
        return "AttackSurfaceReport[" + features.size() + " features, " + endpoints.size() + " endpoints, " + files.size()
                + " files, " + warnings.size() + " warnings]";
    }

    /** The effective uid from a {@code /proc/<pid>/status} file's {@code Uid:} line (real, effective, saved, fs). */
    static Optional<Long> effectiveUid(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.substring(4).trim().split("\\s+");
                    return f.length >= 2 ? Optional.of(Long.parseLong(f[1])) : Optional.empty();
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Builds an {@link AttackSurfaceReport}; the data folder is required. */
    public static final class Builder {
        private static final Set<String> PLAIN = Collections.unmodifiableSet(new java.util.HashSet<>(
                java.util.Arrays.asList("http", "tcp", "mqtt", "ws", "ftp", "telnet", "coap")));

        private Path dataFolder;
        private final Map<String, String> features = new LinkedHashMap<>();
        private final Map<String, URI> endpoints = new LinkedHashMap<>();
        private Clock clock = Clock.systemUTC();
        private Path procStatus = Paths.get("/proc/self/status");

        private Builder() {}

        /** Required: the device's data folder (keystore, state, personal data). */
        public Builder dataFolder(Path dataFolder) {
            this.dataFolder = dataFolder;
            return this;
        }

        /** An enabled feature, such as {@code "mqtt"} with {@code "MQTT over mutual TLS to the back end"}. */
        public Builder feature(String name, String description) {
            check("feature name", name, 64);
            check("feature description", description, 500);
            features.put(name, description);
            return this;
        }

        /** An outbound endpoint DevSec connects to, such as {@code "broker"} with {@code ssl://mqtt.acme.example:8883}. */
        public Builder endpoint(String name, URI uri) {
            check("endpoint name", name, 64);
            Objects.requireNonNull(uri, "uri");
            check("endpoint uri", uri.toString(), 2048);
            endpoints.put(name, uri);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Test seam: the status file the uid is read from. */
        Builder procStatus(Path procStatus) {
            this.procStatus = procStatus;
            return this;
        }

        /**
         * Reads the data folder, the process's sockets and user, and assembles the report. Safe while other
         * threads or processes write in the data folder: a file removed or renamed away while the folder is
         * read is left out (a file created meanwhile may or may not appear); the report is not an atomic
         * snapshot of the folder.
         *
         * @throws IllegalArgumentException when the data folder is missing or not a folder
         * @throws IOException when the data folder cannot be listed
         */
        public AttackSurfaceReport build() throws IOException {
            if (dataFolder == null) {
                throw new IllegalArgumentException("dataFolder is required");
            }
            if (!Files.isDirectory(dataFolder)) {
                throw new IllegalArgumentException("dataFolder " + dataFolder + " is not a folder");
            }
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            List<String> warnings = new ArrayList<>();
            Path root = dataFolder.toAbsolutePath().normalize();
            List<FileEntry> files = listDataFolder(root);
            for (FileEntry f : files) {
                if (f.loose()) {
                    warnings.add((f.directory() ? "Folder " : "File ") + f.path() + " grants group/others access ("
                            + f.permissions().orElse("?") + "): make it owner-only (chmod " + (f.directory() ? "700" : "600") + ")");
                }
            }
            endpoints.forEach((k, v) -> {
                String scheme = v.getScheme() == null ? "" : v.getScheme().toLowerCase(Locale.ROOT);
                if (PLAIN.contains(scheme)) {
                    warnings.add("Endpoint " + k + " (" + v + ") is not encrypted: use TLS");
                }
            });
            List<ListeningSocket> sockets = Collections.emptyList();
            if (ListeningSockets.supported()) {
                sockets = ListeningSockets.ofThisProcess();
                for (ListeningSocket s : sockets) {
                    warnings.add("The process listens on " + s + " (not opened by DevSec): close it if it is not needed");
                }
            }
            Optional<Long> uid = effectiveUid(procStatus);
            if (uid.isPresent() && uid.get() == 0L) {
                warnings.add("The process runs as root (uid 0): run the device application as an unprivileged user");
            }
            return new AttackSurfaceReport(clock.instant(), root, features, endpoints, files, sockets, uid, warnings);
        }

        /**
         * Every file and folder under {@code root}, root first, then sorted by path, symbolic links not
         * followed. Other parts of the device write while a report is built (a keystore write renames its
         * temporary file away, an outbox deletes sent messages): an entry that vanishes between listing and
         * reading its attributes, or a folder removed before it is listed, is left out rather than failing
         * the report. Each entry's kind, size and permissions come from one read of its attributes.
         */
        private static List<FileEntry> listDataFolder(Path root) throws IOException {
            boolean posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
            Optional<FileEntry> top = entry(root, root, posix);
            if (!top.isPresent()) {
                throw new NoSuchFileException(root.toString(), null, "the data folder vanished");
            }
            List<FileEntry> below = new ArrayList<>();
            walk(root, root, posix, below);
            below.sort((a, b) -> root.resolve(a.path()).compareTo(root.resolve(b.path())));
            List<FileEntry> files = new ArrayList<>(below.size() + 1);
            files.add(top.get());
            files.addAll(below);
            return files;
        }

        private static void walk(Path root, Path folder, boolean posix, List<FileEntry> out) throws IOException {
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> listing = Files.newDirectoryStream(folder)) {
                for (Path child : listing) {
                    children.add(child);
                }
            } catch (NoSuchFileException | NotDirectoryException e) {
                if (folder.equals(root)) {
                    throw e;
                }
                return; // removed (or replaced by a file) since its parent was listed
            } catch (DirectoryIteratorException e) {
                if (folder.equals(root) || !(e.getCause() instanceof NoSuchFileException)) {
                    throw e.getCause();
                }
                return;
            }
            for (Path child : children) {
                Optional<FileEntry> e = entry(root, child, posix);
                if (e.isPresent()) {
                    out.add(e.get());
                    if (e.get().directory()) {
                        walk(root, child, posix, out);
                    }
                }
            }
        }

        /** The entry of {@code p}; empty when it no longer exists. */
        private static Optional<FileEntry> entry(Path root, Path p, boolean posix) throws IOException {
            String rel = root.equals(p) ? "." : root.relativize(p).toString().replace('\\', '/');
            try {
                if (posix) {
                    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    Set<PosixFilePermission> set = a.permissions().isEmpty()
                            ? EnumSet.noneOf(PosixFilePermission.class) : EnumSet.copyOf(a.permissions());
                    return Optional.of(new FileEntry(rel, a.isDirectory(), a.isDirectory() ? 0 : a.size(),
                            Optional.of(PosixFilePermissions.toString(set))));
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return Optional.of(new FileEntry(rel, a.isDirectory(), a.isDirectory() ? 0 : a.size(), Optional.<String>empty()));
            } catch (NoSuchFileException e) {
                return Optional.empty(); // removed between listing and reading: not part of the data folder any more
            }
        }

        private static void check(String field, String value, int max) {
            if (value == null || value.trim().isEmpty() || value.length() > max) {
                throw new IllegalArgumentException(field + " must be 1 to " + max + " characters");
            }
            for (int i = 0; i < value.length(); i++) {
                if (Character.isISOControl(value.charAt(i))) {
                    throw new IllegalArgumentException(field + " must not contain control characters");
                }
            }
        }
    }
}
