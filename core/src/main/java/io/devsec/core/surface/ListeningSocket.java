package io.devsec.core.surface;

import java.util.Objects;

/** One socket of this process that accepts traffic: a TCP socket in LISTEN state or a bound UDP socket. Immutable. */
public final class ListeningSocket {

    /** The transport protocol. */
    public enum Protocol { TCP, TCP6, UDP, UDP6 }

    private final Protocol protocol;
    private final String address;
    private final int port;
    private final long inode;

    ListeningSocket(Protocol protocol, String address, int port, long inode) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.address = Objects.requireNonNull(address, "address");
        this.port = port;
        this.inode = inode;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The local address in text form ({@code 0.0.0.0}, {@code 127.0.0.1}, {@code ::}). */
    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** The socket's inode number, which identifies it in {@code /proc}. */
    public long inode() {
        return inode;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ListeningSocket)) {
            return false;
        }
        ListeningSocket s = (ListeningSocket) o;
        return protocol == s.protocol && address.equals(s.address) && port == s.port && inode == s.inode;
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocol, address, port, inode);
    }

    @Override
    public String toString() {
        String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
        return protocol.name().toLowerCase(java.util.Locale.ROOT) + " " + host + ":" + port;
    }
}
