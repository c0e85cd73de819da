package io.devsec.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.devsec.testkit.PublicApi;
import java.lang.reflect.Modifier;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExceptionRootTest {

    /**
     * Outside the root by contract: I/O faults stay {@link java.io.IOException} (the packet limit is thrown
     * from a socket read Paho makes), and a peer refused in the handshake must be a
     * {@link java.security.cert.CertificateException}, all an {@code X509TrustManager} may throw.
     */
    private static final Set<Class<?>> EXEMPT = Set.of(NotConnectedException.class, OutboxFullException.class,
            InboundPacketTooLargeException.class, PeerPinMismatchException.class,
            PeerCertificateRevokedException.class, TlsPolicyException.class);

    @Test
    void publicCheckedExceptions_allExtendTransportException() {
        assertEquals(Set.of(), PublicApi.checkedExceptionsOutsideRoot(TransportException.class, EXEMPT));
    }

    @Test
    void transportException_isAbstract() {
        assertTrue(Modifier.isAbstract(TransportException.class.getModifiers()));
    }

    @Test
    void topicOutsideNamespace_isMisuse_unchecked() {
        assertTrue(IllegalArgumentException.class.isAssignableFrom(TopicOutsideNamespaceException.class));
    }
}
