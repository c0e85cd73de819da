package io.devsec.core.surface;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The sockets this process accepts traffic on, read from Linux's {@code /proc}: TCP sockets in LISTEN
 * state and bound UDP sockets from {@code /proc/self/net/{tcp,tcp6,udp,udp6}} whose inode is one of this
 * process's file descriptors ({@code /proc/self/fd}). DevSec itself opens none (provision 4.6): what this
 * finds belongs to the application or another library.
 */
public final class ListeningSockets {
    private static final Path PROC = Paths.get("/proc");

    private ListeningSockets() {}

    /** Whether this platform exposes what {@link #ofThisProcess()} reads (Linux). */
    public static boolean supported() {
        return Files.isDirectory(PROC.resolve("self/fd")) && Files.isReadable(PROC.resolve("self/net/tcp"));
    }

    /**
     * The listening sockets of this process, sorted by protocol and port.
     *
     * @throws UnsupportedOperationException when {@link #supported()} is false
     * @throws IOException when {@code /proc} cannot be read
     */
    public static List<ListeningSocket> ofThisProcess() throws IOException {
        if (!supported()) {
            throw new UnsupportedOperationException("Listening sockets are read from Linux /proc, absent on this platform");
        }
        Set<Long> inodes = socketInodes(PROC.resolve("self/fd"));
        List<ListeningSocket> out = new ArrayList<>();
        for (ListeningSocket.Protocol p : ListeningSocket.Protocol.values()) {
            Path table = PROC.resolve("self/net/" + p.name().toLowerCase(Locale.ROOT));
            if (Files.isReadable(table)) {
                for (ListeningSocket s : parse(p, Files.readAllLines(table, StandardCharsets.US_ASCII))) {
                    if (inodes.contains(s.inode())) {
                        out.add(s);
                    }
                }
            }
        }
        out.sort((a, b) -> a.protocol() != b.protocol() ? a.protocol().compareTo(b.protocol()) : Integer.compare(a.port(), b.port()));
        return Collections.unmodifiableList(out);
    }

    static Set<Long> socketInodes(Path fdFolder) throws IOException {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdFolder)) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed between listing and reading
                }
                if (target.startsWith("socket:[") && target.endsWith("]")) {
                    inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                }
            }
        }
        return inodes;
    }

    /** Parses one /proc/net table: TCP rows in state 0A (LISTEN), UDP rows with a local port. */
    static List<ListeningSocket> parse(ListeningSocket.Protocol protocol, List<String> lines) {
        List<ListeningSocket> out = new ArrayList<>();
        boolean tcp = protocol == ListeningSocket.Protocol.TCP || protocol == ListeningSocket.Protocol.TCP6;
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length < 10) {
                continue;
            }
            String local = f[1];
            String state = f[3];
            int colon = local.indexOf(':');
            if (colon < 0) {
                continue;
            }
            int port = Integer.parseInt(local.substring(colon + 1), 16);
            boolean accepting = tcp ? "0A".equals(state) : port != 0 && !"01".equals(state);
            if (!accepting) {
                continue;
            }
            out.add(new ListeningSocket(protocol, address(local.substring(0, colon)), port, Long.parseLong(f[9])));
        }
        return out;
    }

    /** /proc/net prints addresses as 32-bit words in host (little-endian) order. */
    static String address(String hex) {
        byte[] b = new byte[hex.length() / 2];
        for (int w = 0; w < b.length / 4; w++) {
            for (int k = 0; k < 4; k++) {
                int idx = (w * 4 + k) * 2;
                b[w * 4 + 3 - k] = (byte) Integer.parseInt(hex.substring(idx, idx + 2), 16);
            }
        }
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        try {
            String s = java.net.InetAddress.getByAddress(b).getHostAddress();
            return "0:0:0:0:0:0:0:0".equals(s) ? "::" : s;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("bad address " + hex, e);
        }
    }
}
