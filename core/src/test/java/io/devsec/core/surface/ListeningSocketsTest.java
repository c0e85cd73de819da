package io.devsec.core.surface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.devsec.core.DeviceSecurity;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provision 4.6: DevSec opens no listening socket of its own. */
class ListeningSocketsTest {

    @TempDir
    Path dir;

    static void assumeLinux() {
        assumeTrue(ListeningSockets.supported(), "needs Linux /proc/self/net and /proc/self/fd; skipped on this platform");
    }

    @Test
    void detector_findsTcpListenerAndBoundUdpSocketOfThisProcess() throws Exception {
        assumeLinux();
        try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            List<ListeningSocket> found = ListeningSockets.ofThisProcess();
            assertThat(found).anySatisfy(s -> {
                assertThat(s.port()).isEqualTo(tcp.getLocalPort());
                assertThat(s.protocol().name()).startsWith("TCP");
            });
            assertThat(found).anySatisfy(s -> {
                assertThat(s.port()).isEqualTo(udp.getLocalPort());
                assertThat(s.protocol().name()).startsWith("UDP");
            });
        }
    }

    @Test
    void deviceSecurity_firstAndSecondStart_opensNoListeningSocket() throws Exception {
        assumeLinux();
        List<ListeningSocket> before = ListeningSockets.ofThisProcess();
        Path data = dir.resolve("data");
        try (DeviceSecurity device = DeviceSecurity.builder().dataFolder(data).productName("Acme Plug").build()) {
            char[] pw = device.takeInitialPassword().orElseThrow();
            device.login(pw);
            device.status();
            device.tlsIdentity().keyManager();
            assertThat(ListeningSockets.ofThisProcess()).isEqualTo(before);
        }
        try (DeviceSecurity device = DeviceSecurity.builder().dataFolder(data).productName("Acme Plug").build()) {
            device.status();
            assertThat(ListeningSockets.ofThisProcess()).isEqualTo(before);
        }
        assertThat(ListeningSockets.ofThisProcess()).isEqualTo(before);
    }

    @Test
    void parse_readsProcNetRows() {
        List<ListeningSocket> tcp = ListeningSockets.parse(ListeningSocket.Protocol.TCP, List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0",
                "   1: 0100007F:87DB 0100007F:C6CE 01 00000000:00000000 03:00000F50 00000000     0        0 4343 3 0"));
        assertThat(tcp).containsExactly(new ListeningSocket(ListeningSocket.Protocol.TCP, "127.0.0.1", 8080, 4242));
        List<ListeningSocket> udp6 = ListeningSockets.parse(ListeningSocket.Protocol.UDP6, List.of(
                "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
                "  1: 00000000000000000000000001000000:14E9 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000   0        0 777 2 0 0"));
        assertThat(udp6).containsExactly(new ListeningSocket(ListeningSocket.Protocol.UDP6, "0:0:0:0:0:0:0:1", 5353, 777));
    }
}
