package io.devsec.transport.internal;

import io.devsec.transport.InboundPacketTooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.BiFunction;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.codehaus.mojo.animal_sniffer.IgnoreJRERequirement;

/**
 * A JSSE {@link SSLSocket} for MQTT: its output stream gathers closely following packets into
 * fewer TLS records and system calls ({@link CoalescingOutputStream}, unless the delay is zero),
 * and its input stream refuses an inbound packet above the size limit from its fixed header
 * ({@link PacketLimitInputStream}, when a limit is given). Everything else is the wrapped
 * socket's: handshake, parameters, session and host name checks behave exactly as without it.
 */
public final class CoalescingSslSocket extends SSLSocket {
    private final SSLSocket d;
    private final long maxDelayNanos;
    private final long maxInboundRemainingLength;
    private final Consumer<InboundPacketTooLargeException> onTooLarge;
    private CoalescingOutputStream out;
    private InputStream in;

    public CoalescingSslSocket(SSLSocket delegate, long maxDelayNanos) {
        this(delegate, maxDelayNanos, -1, e -> { });
    }

    /**
     * @param delegate the TLS socket
     * @param maxDelayNanos the write coalescing delay; 0 writes through
     * @param maxInboundRemainingLength the largest inbound MQTT remaining length; negative for no limit
     * @param onTooLarge told of a refused inbound packet
     */
    public CoalescingSslSocket(SSLSocket delegate, long maxDelayNanos, long maxInboundRemainingLength,
            Consumer<InboundPacketTooLargeException> onTooLarge) {
        this.d = delegate;
        this.maxDelayNanos = maxDelayNanos;
        this.maxInboundRemainingLength = maxInboundRemainingLength;
        this.onTooLarge = onTooLarge;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        if (maxDelayNanos <= 0) {
            return d.getOutputStream();
        }
        if (out == null) {
            out = new CoalescingOutputStream(d.getOutputStream(), maxDelayNanos, this::closeQuietly, d::isClosed);
        }
        return out;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (maxInboundRemainingLength < 0) {
            return d.getInputStream();
        }
        if (in == null) {
            in = new PacketLimitInputStream(d.getInputStream(), maxInboundRemainingLength, onTooLarge, this::closeQuietly);
        }
        return in;
    }

    private void closeQuietly() {
        try {
            d.close();
        } catch (IOException e) {
            // already broken
        }
    }

    /** Closes at once: publishes waiting for a deferred flush are dropped, a writer stuck on a dead peer is not waited for. */
    @Override
    public void close() throws IOException {
        CoalescingOutputStream o;
        synchronized (this) {
            o = out;
        }
        try {
            if (o != null) {
                o.close();
            }
        } finally {
            d.close();
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        CoalescingOutputStream o;
        synchronized (this) {
            o = out;
        }
        if (o != null) {
            o.flushNow();
        }
        d.shutdownOutput();
    }

    // Java 9+ SSLSocket method (absent on Android API 26): safe there because Android's framework never calls a
    // method its own platform lacks, and on a JVM the delegate has it.
    @IgnoreJRERequirement
    @Override
    public <T> java.net.Socket setOption(SocketOption<T> name, T value) throws IOException {
        d.setOption(name, value);
        return this;
    }

    // Java 9+ SSLSocket method (absent on Android API 26): safe there because Android's framework never calls a
    // method its own platform lacks, and on a JVM the delegate has it.
    @IgnoreJRERequirement
    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return d.getOption(name);
    }

    @Override
    public void connect(java.net.SocketAddress endpoint) throws java.io.IOException {
        d.connect(endpoint);
    }

    @Override
    public void connect(java.net.SocketAddress endpoint, int timeout) throws java.io.IOException {
        d.connect(endpoint, timeout);
    }

    @Override
    public void bind(java.net.SocketAddress bindpoint) throws java.io.IOException {
        d.bind(bindpoint);
    }

    @Override
    public java.net.InetAddress getInetAddress() {
        return d.getInetAddress();
    }

    @Override
    public java.net.InetAddress getLocalAddress() {
        return d.getLocalAddress();
    }

    @Override
    public int getPort() {
        return d.getPort();
    }

    @Override
    public int getLocalPort() {
        return d.getLocalPort();
    }

    @Override
    public java.net.SocketAddress getRemoteSocketAddress() {
        return d.getRemoteSocketAddress();
    }

    @Override
    public java.net.SocketAddress getLocalSocketAddress() {
        return d.getLocalSocketAddress();
    }

    @Override
    public java.nio.channels.SocketChannel getChannel() {
        return d.getChannel();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws java.net.SocketException {
        d.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws java.net.SocketException {
        return d.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws java.net.SocketException {
        d.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws java.net.SocketException {
        return d.getSoLinger();
    }

    @Override
    public void sendUrgentData(int data) throws java.io.IOException {
        d.sendUrgentData(data);
    }

    @Override
    public void setOOBInline(boolean on) throws java.net.SocketException {
        d.setOOBInline(on);
    }

    @Override
    public boolean getOOBInline() throws java.net.SocketException {
        return d.getOOBInline();
    }

    @Override
    public void setSoTimeout(int timeout) throws java.net.SocketException {
        d.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws java.net.SocketException {
        return d.getSoTimeout();
    }

    @Override
    public void setSendBufferSize(int size) throws java.net.SocketException {
        d.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws java.net.SocketException {
        return d.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws java.net.SocketException {
        d.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws java.net.SocketException {
        return d.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws java.net.SocketException {
        d.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws java.net.SocketException {
        return d.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws java.net.SocketException {
        d.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws java.net.SocketException {
        return d.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws java.net.SocketException {
        d.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws java.net.SocketException {
        return d.getReuseAddress();
    }

    @Override
    public void shutdownInput() throws java.io.IOException {
        d.shutdownInput();
    }

    @Override
    public String toString() {
        return d.toString();
    }

    @Override
    public boolean isConnected() {
        return d.isConnected();
    }

    @Override
    public boolean isBound() {
        return d.isBound();
    }

    @Override
    public boolean isClosed() {
        return d.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return d.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return d.isOutputShutdown();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        d.setPerformancePreferences(connectionTime, latency, bandwidth);
    }

    // Java 9+ SSLSocket method (absent on Android API 26): safe there because Android's framework never calls a
    // method its own platform lacks, and on a JVM the delegate has it.
    @IgnoreJRERequirement
    @Override
    public java.util.Set<java.net.SocketOption<?>> supportedOptions() {
        return d.supportedOptions();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return d.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return d.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        d.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return d.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return d.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        d.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
        return d.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return d.getHandshakeSession();
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
        d.addHandshakeCompletedListener(listener);
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
        d.removeHandshakeCompletedListener(listener);
    }

    @Override
    public void startHandshake() throws java.io.IOException {
        d.startHandshake();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        d.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return d.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        d.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return d.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        d.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return d.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        d.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return d.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return d.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        d.setSSLParameters(params);
    }

    // Java 9+ SSLSocket method (absent on Android API 26): safe there because Android's framework never calls a
    // method its own platform lacks, and on a JVM the delegate has it.
    @IgnoreJRERequirement
    @Override
    public String getApplicationProtocol() {
        return d.getApplicationProtocol();
    }

    // Java 9+ SSLSocket method (absent on Android API 26): safe there because Android's framework never calls a
    // method its own platform lacks, and on a JVM the delegate has it.
    @IgnoreJRERequirement
    @Override
    public String getHandshakeApplicationProtocol() {
        return d.getHandshakeApplicationProtocol();
    }

    // Java 9+ SSLSocket method (absent on Android API 26): safe there because Android's framework never calls a
    // method its own platform lacks, and on a JVM the delegate has it.
    @IgnoreJRERequirement
    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, List<String>, String> selector) {
        d.setHandshakeApplicationProtocolSelector(selector);
    }

    // Java 9+ SSLSocket method (absent on Android API 26): safe there because Android's framework never calls a
    // method its own platform lacks, and on a JVM the delegate has it.
    @IgnoreJRERequirement
    @Override
    public BiFunction<SSLSocket, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return d.getHandshakeApplicationProtocolSelector();
    }
}
