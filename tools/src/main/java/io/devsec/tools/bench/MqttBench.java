package io.devsec.tools.bench;

import io.devsec.transport.Delivery;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.DeviceTlsContext;
import io.devsec.transport.MqttProtocol;
import io.devsec.transport.OutboxKey;
import io.devsec.transport.OutboundMessage;
import io.devsec.transport.OutboxSettings;
import io.devsec.transport.Qos;
import io.devsec.transport.ReconnectPolicy;
import io.devsec.transport.TlsIdentity;
import io.devsec.transport.TlsSettings;
import io.devsec.transport.TrustAnchors;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import javax.crypto.KeyGenerator;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devsec bench mqtt}: QoS 1 publish throughput and latency through DevSec's
 * {@link DeviceMqttClient} and through bare Paho with the same TLS context, against the same
 * Mosquitto (started by the bench on loopback with TLS and client certificates), in one run.
 *
 * <p>Three sides, each with one connection kept for all its runs, run in turn (Paho, DevSec
 * publish(), DevSec publishAsync(), Paho, ...) after {@code --warmups} uncounted rounds; medians
 * reported. Bare Paho (the same protocol as DevSec: mqttv5 or mqttv3) from one thread with
 * {@code --inflight} messages in flight (Paho's default of 10), in memory. DevSec {@code publish()}
 * from {@code --publishers} threads, each call returning after its message is fsynced in the
 * encrypted outbox (concurrent calls share fsyncs); DevSec {@code publishAsync()} from one thread
 * with up to {@code --queue} messages outstanding, each fsynced (group commit) before it is sent.
 * DevSec runs with its defaults (in-flight window, write coalescing) unless {@code --devsec-inflight}
 * or {@code --devsec-write-coalescing} say otherwise. Latency is from the call to publish until the
 * broker's PUBACK; throughput is messages over the time from the first publish to the last PUBACK.
 * Target: DevSec throughput at 0.95x of bare Paho or better.
 */
@Command(
        name = "mqtt",
        mixinStandardHelpOptions = true,
        description = "QoS 1 publish throughput and latency, DevSec vs bare Paho (same TLS, same Mosquitto), with the ratio.")
public final class MqttBench implements Callable<Integer> {

    @Option(names = "--messages", defaultValue = "50000", description = "Messages per run (default ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--payload", defaultValue = "256", description = "Payload bytes (default ${DEFAULT-VALUE}).")
    int payload;

    @Option(names = "--inflight", defaultValue = "10", description = "QoS 1 messages in flight (default ${DEFAULT-VALUE}).")
    int inflight;

    @Option(names = "--devsec-inflight", defaultValue = "-1",
            description = "DevSec's in-flight window (maxInflight); default: DevSec's own default, capped by the broker's Receive Maximum.")
    int devsecInflight;

    @Option(names = "--devsec-write-coalescing", defaultValue = "-1",
            description = "DevSec's write coalescing in microseconds (0: off); default: DevSec's own default.")
    long devsecCoalescingMicros;

    @Option(names = "--paho-nagle",
            description = "Give bare Paho sockets with Nagle's algorithm on (the JSSE default) instead of DevSec's TCP_NODELAY.")
    boolean pahoNagle;

    @Option(names = "--publishers", defaultValue = "10",
            description = "Application threads calling DevSec's blocking publish(); concurrent publishes share outbox fsyncs (default ${DEFAULT-VALUE}).")
    int publishers;

    @Option(names = "--queue", defaultValue = "1000",
            description = "DevSec publishAsync(): messages the one application thread may have queued and unacknowledged (default ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--batch", defaultValue = "1",
            description = "Messages per DevSec publish call: 1 = publish(), more = publishAll() with one fsync per batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--runs", defaultValue = "5", description = "Runs of each, alternating (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmups", defaultValue = "2", description = "Uncounted runs of each side first, for the JIT (default ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = "--protocol", defaultValue = "MQTT_5",
            description = "MQTT_5 or MQTT_3_1_1, for both sides: bare Paho's mqttv5 or mqttv3 client (default ${DEFAULT-VALUE}).")
    MqttProtocol protocol;

    @Option(names = "--sides", defaultValue = "paho,publish,async", split = ",",
            description = "Which sides to run: paho, publish, async, async-uncoalesced (publishAsync with write coalescing off) "
                    + "(default ${DEFAULT-VALUE}); a ratio needs paho.")
    List<String> sides;

    @Option(names = "--paho-persistence", defaultValue = "memory",
            description = "Bare Paho's message store: memory (MemoryPersistence, the strictest baseline) or file (Paho's default "
                    + "MqttDefaultFilePersistence: a file per message in flight, not fsynced, not encrypted) (default ${DEFAULT-VALUE}).")
    String pahoPersistence;

    @Option(names = "--mosquitto", defaultValue = "/usr/sbin/mosquitto", description = "Mosquitto binary (default ${DEFAULT-VALUE}).")
    Path mosquitto;

    @Option(names = "--dir", description = "Folder for the outbox (default: a temporary folder). Use the device's disk.")
    Path dir;

    @Option(names = "--fail-on-miss", description = "Exit with 1 when the target is missed.")
    boolean failOnMiss;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One run's numbers. */
    static final class Result {
        final double msgPerSec;
        final double p50Ms;
        final double p99Ms;

        Result(double msgPerSec, double p50Ms, double p99Ms) {
            this.msgPerSec = msgPerSec;
            this.p50Ms = p50Ms;
            this.p99Ms = p99Ms;
        }
    }

    @CommandLine.Mixin
    BenchJson output = new BenchJson();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = output.text(spec);
        if (!Files.isExecutable(mosquitto)) {
            out.println("mosquitto not found at " + mosquitto + "; install it: apt-get install -y mosquitto");
            return 2;
        }
        Path work = Files.createTempDirectory("devsec-bench-mqtt");
        // mosquitto, started as root, drops to user mosquitto before reading its files: the folder must be traversable.
        Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path outboxRoot = dir != null ? Files.createDirectories(dir) : work;
        try {
            Pki pki = new Pki();
            try (Broker broker = new Broker(mosquitto, work.resolve("broker"), pki, new String[0])) {
                out.printf(Locale.ROOT, "bench mqtt: %d x %d-byte QoS 1 messages, %d in flight, %d DevSec publisher threads, batch %d, "
                        + "%d runs each, Mosquitto on 127.0.0.1:%d (mTLS)%n", messages, payload, inflight, publishers, batch, runs,
                        broker.port());
                out.printf(Locale.ROOT, "  " + label("paho") + ": 1 application thread, %d messages in flight (semaphore), messages %s, no fsync, "
                        + "same TLS context, %s%n", inflight, "file".equals(pahoPersistence)
                                ? "in Paho's default MqttDefaultFilePersistence" : "in memory (MemoryPersistence)",
                        pahoNagle ? "Nagle on (JSSE default sockets)" : "TCP_NODELAY like DevSec");
                out.printf(Locale.ROOT, "  DevSec publish%s: %d application threads, each call returns after its message is encrypted and "
                        + "fsynced in the outbox (concurrent calls share one fsync); in flight: %s%n",
                        batch > 1 ? "All (batches of " + batch + ")" : "()", publishers, devsecInflight());
                out.printf(Locale.ROOT, "  DevSec publishAsync(): 1 application thread, up to %d queued; each message encrypted and queued "
                        + "before the call returns, written and fsynced (group commit by DevSec's sync thread) before it is sent; in flight: %s%n",
                        queue, devsecInflight());
                java.util.Map<String, List<Result>> results = new java.util.LinkedHashMap<>();
                for (String side : List.of("paho", "publish", "async", "async-uncoalesced")) {
                    if (sides.contains(side)) {
                        results.put(side, new ArrayList<>());
                    }
                }
                java.util.Map<String, Side> open = new java.util.LinkedHashMap<>();
                try {
                    for (String side : results.keySet()) {
                        open.put(side, openSide(side, pki, broker.port(), outboxRoot.resolve(side)));
                    }
                    // Warm-up, not counted: full runs of every side in turn, so that the JIT has compiled the
                    // hot paths (C2 compiled for several seconds after the first messages in short runs).
                    for (int w = 0; w < warmups; w++) {
                        for (Side side : open.values()) {
                            side.run(messages);
                        }
                    }
                    io.devsec.tools.Terminal.Progress progress = new io.devsec.tools.Terminal.Progress(
                            spec.commandLine().getErr(), "bench mqtt runs", runs, !output.json);
                    for (int r = 0; r < runs; r++) {
                        progress.update(r);
                        StringBuilder line = new StringBuilder("  run " + (r + 1) + ":");
                        for (java.util.Map.Entry<String, List<Result>> e : results.entrySet()) {
                            Result x = open.get(e.getKey()).run(messages);
                            e.getValue().add(x);
                            line.append(String.format(Locale.ROOT, " %s %.0f msg/s", e.getKey(), x.msgPerSec));
                        }
                        out.println(line);
                        out.flush();
                    }
                } finally {
                    for (Side side : open.values()) {
                        side.close();
                    }
                }
                boolean met = false;
                for (java.util.Map.Entry<String, List<Result>> e : results.entrySet()) {
                    List<Result> rs = e.getValue();
                    out.printf(Locale.ROOT, "%-28s %8.0f msg/s  latency p50 %.2f ms  p99 %.2f ms%n", label(e.getKey()),
                            median(rs, x -> x.msgPerSec), median(rs, x -> x.p50Ms), median(rs, x -> x.p99Ms));
                    output.metric(spec, e.getKey() + "MsgPerSec", median(rs, x -> x.msgPerSec));
                    output.metric(spec, e.getKey() + "LatencyP50Ms", median(rs, x -> x.p50Ms));
                    output.metric(spec, e.getKey() + "LatencyP99Ms", median(rs, x -> x.p99Ms));
                }
                if (results.containsKey("paho")) {
                    double pahoT = median(results.get("paho"), x -> x.msgPerSec);
                    for (java.util.Map.Entry<String, List<Result>> e : results.entrySet()) {
                        if (!e.getKey().equals("paho")) {
                            double ratio = median(e.getValue(), x -> x.msgPerSec) / pahoT;
                            met |= ratio >= 0.95;
                            output.ratio(spec, e.getKey() + "/paho", ratio, ">=0.95", ratio >= 0.95);
                            out.printf(Locale.ROOT, "ratio %s / bare Paho throughput: %.2fx (target >= 0.95x): %s%n", label(e.getKey()),
                                    ratio, ratio >= 0.95 ? "MET" : "MISSED");
                        }
                    }
                }
                out.flush();
                output.finish(spec);
                return met || !failOnMiss ? 0 : 1;
            }
        } finally {
            deleteTree(work);
        }
    }

    /** One side of the comparison: a client connected once and kept for every run, so runs measure the steady state. */
    private interface Side extends AutoCloseable {
        Result run(int n) throws Exception;
    }

    private Side openSide(String side, Pki pki, int port, Path outboxDir) throws Exception {
        switch (side) {
            case "paho":
                return protocol == MqttProtocol.MQTT_5 ? openPaho(pki, port) : openPahoV3(pki, port);
            case "publish":
                return openDevSec(pki, port, outboxDir, false, false);
            case "async":
                return openDevSec(pki, port, outboxDir, true, false);
            case "async-uncoalesced":
                return openDevSec(pki, port, outboxDir, true, true);
            default:
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown side " + side
                        + ": use paho, publish, async, async-uncoalesced");
        }
    }

    private String label(String side) {
        switch (side) {
            case "paho":
                return protocol == MqttProtocol.MQTT_5 ? "bare Paho v5" : "bare Paho v3 (MQTT 3.1.1)";
            case "publish":
                return "DevSec publish() (" + protocol + ")";
            case "async-uncoalesced":
                return "DevSec publishAsync() (" + protocol + ", write coalescing off)";
            default:
                return "DevSec publishAsync() (" + protocol + ")";
        }
    }

    /** One bare Paho publish: calls {@code done} with null on its PUBACK, or with the failure. */
    private interface PahoPublish {
        void publish(java.util.function.Consumer<Throwable> done) throws Exception;
    }

    /** Disconnects and releases a bare Paho client. */
    private interface PahoClose {
        void close() throws Exception;
    }

    /**
     * Bare Paho's side, for either client: one application thread keeps {@code --inflight} messages
     * in flight with a semaphore.
     */
    private Side pahoSide(PahoPublish publish, PahoClose disconnect, Path storeDir) {
        return new Side() {
            @Override
            public Result run(int n) throws Exception {
                Semaphore window = new Semaphore(inflight);
                long[] start = new long[n];
                long[] done = new long[n];
                AtomicReference<Throwable> failure = new AtomicReference<>();
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    window.acquire();
                    final int k = i;
                    start[k] = System.nanoTime();
                    publish.publish(e -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                        done[k] = System.nanoTime();
                        window.release();
                    });
                }
                window.acquire(inflight);
                long t1 = System.nanoTime();
                if (failure.get() != null) {
                    throw new IOException("bare Paho publish failed", failure.get());
                }
                return result(n, t0, t1, start, done);
            }

            @Override
            public void close() throws Exception {
                try {
                    disconnect.close();
                } finally {
                    deleteTree(storeDir);
                }
            }
        };
    }

    /** A folder for Paho's default file store with {@code --paho-persistence file}; null for memory. */
    private Path pahoStoreDir() throws IOException {
        if ("file".equals(pahoPersistence)) {
            return Files.createTempDirectory("devsec-bench-paho");
        }
        if (!"memory".equals(pahoPersistence)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--paho-persistence: memory or file, not " + pahoPersistence);
        }
        return null;
    }

    private Side openPaho(Pki pki, int port) throws Exception {
        String id = "paho-" + Long.toHexString(System.nanoTime());
        DeviceTlsContext tls = pki.deviceTls(id);
        Path storeDir = pahoStoreDir();
        MqttAsyncClient c = new MqttAsyncClient("ssl://localhost:" + port, id, storeDir != null
                ? new org.eclipse.paho.mqttv5.client.persist.MqttDefaultFilePersistence(storeDir.toString()) : new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setSocketFactory(pahoNagle ? new NagleSocketFactory(tls.socketFactory()) : tls.socketFactory());
        o.setHttpsHostnameVerificationEnabled(true);
        o.setCleanStart(true);
        o.setAutomaticReconnect(false);
        o.setReceiveMaximum(inflight);
        c.connect(o).waitForCompletion(30_000);
        String topic = "devices/" + id + "/bench";
        byte[] body = new byte[payload];
        return pahoSide(done -> {
            MqttMessage m = new MqttMessage(body);
            m.setQos(1);
            c.publish(topic, m, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    done.accept(null);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    done.accept(e);
                }
            });
        }, () -> {
            try {
                c.disconnect(5_000).waitForCompletion(10_000);
            } finally {
                c.close(true);
            }
        }, storeDir);
    }

    /** Bare Paho's MQTT 3.1.1 client (mqttv3), for a comparison over the same protocol as DevSec's. */
    private Side openPahoV3(Pki pki, int port) throws Exception {
        String id = "paho-" + Long.toHexString(System.nanoTime());
        DeviceTlsContext tls = pki.deviceTls(id);
        Path storeDir = pahoStoreDir();
        org.eclipse.paho.client.mqttv3.MqttAsyncClient c = new org.eclipse.paho.client.mqttv3.MqttAsyncClient("ssl://localhost:" + port,
                id, storeDir != null ? new org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence(storeDir.toString())
                        : new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        org.eclipse.paho.client.mqttv3.MqttConnectOptions o = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        o.setMqttVersion(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setSocketFactory(pahoNagle ? new NagleSocketFactory(tls.socketFactory()) : tls.socketFactory());
        o.setHttpsHostnameVerificationEnabled(true);
        o.setCleanSession(true);
        o.setAutomaticReconnect(false);
        o.setMaxInflight(inflight);
        c.connect(o).waitForCompletion(30_000);
        String topic = "devices/" + id + "/bench";
        byte[] body = new byte[payload];
        return pahoSide(done -> {
            org.eclipse.paho.client.mqttv3.MqttMessage m = new org.eclipse.paho.client.mqttv3.MqttMessage(body);
            m.setQos(1);
            c.publish(topic, m, null, new org.eclipse.paho.client.mqttv3.IMqttActionListener() {
                @Override
                public void onSuccess(org.eclipse.paho.client.mqttv3.IMqttToken token) {
                    done.accept(null);
                }

                @Override
                public void onFailure(org.eclipse.paho.client.mqttv3.IMqttToken token, Throwable e) {
                    done.accept(e);
                }
            });
        }, () -> {
            try {
                c.disconnect(5_000).waitForCompletion(10_000);
            } finally {
                c.close(true);
            }
        }, storeDir);
    }

    private Side openDevSec(Pki pki, int port, Path outboxDir, boolean useAsync, boolean uncoalesced) throws Exception {
        String id = "devsec-" + Long.toHexString(System.nanoTime());
        KeyGenerator g = KeyGenerator.getInstance("AES");
        g.init(256);
        DeviceMqttClient.Builder b = DeviceMqttClient.builder().broker("localhost", port).deviceId(id).tls(pki.deviceTls(id))
                .protocol(protocol)
                .reconnectPolicy(ReconnectPolicy.builder().firstConnectJitter(Duration.ZERO).build())
                .outbox(OutboxSettings.builder(outboxDir, OutboxKey.of(g.generateKey())).maxMessages(Math.max(messages, 1) + 10).build());
        if (devsecInflight > 0) {
            b.maxInflight(devsecInflight);
        }
        if (uncoalesced) {
            b.writeCoalescing(Duration.ZERO);
        } else if (devsecCoalescingMicros >= 0) {
            b.writeCoalescing(Duration.ofNanos(devsecCoalescingMicros * 1000));
        }
        DeviceMqttClient c = b.build();
        c.start();
        if (!c.awaitConnected(Duration.ofSeconds(30))) {
            c.close();
            throw new IOException("DevSec client did not connect");
        }
        String topic = "devices/" + id + "/bench";
        byte[] body = new byte[payload];
        return new Side() {
            @Override
            public Result run(int n) throws Exception {
                return useAsync ? runAsync(c, topic, body, n) : runBlocking(c, topic, body, n);
            }

            @Override
            public void close() throws Exception {
                c.close();
            }
        };
    }

    private Result runAsync(DeviceMqttClient c, String topic, byte[] body, int n) throws Exception {
        long[] start = new long[n];
        long[] done = new long[n];
        Semaphore window = new Semaphore(queue);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            window.acquire();
            final int k = i;
            start[k] = System.nanoTime();
            c.publishAsync(topic, body).whenDone(() -> {
                done[k] = System.nanoTime();
                window.release();
            });
        }
        window.acquire(queue);
        return result(n, t0, System.nanoTime(), start, done);
    }

    private Result runBlocking(DeviceMqttClient c, String topic, byte[] body, int n) throws Exception {
        long[] start = new long[n];
        long[] done = new long[n];
        AtomicLong next = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            Thread t = new Thread(() -> {
                try {
                    int b = Math.max(1, batch);
                    for (long k = next.getAndAdd(b); k < n; k = next.getAndAdd(b)) {
                        final int from = (int) k;
                        final int to = (int) Math.min(n, k + b);
                        long now = System.nanoTime();
                        List<Delivery> ds;
                        if (b == 1) {
                            start[from] = now;
                            ds = List.of(c.publish(topic, body, Qos.AT_LEAST_ONCE));
                        } else {
                            List<OutboundMessage> ms = new ArrayList<>(to - from);
                            for (int i = from; i < to; i++) {
                                start[i] = now;
                                ms.add(OutboundMessage.of(topic, body));
                            }
                            ds = c.publishAll(ms);
                        }
                        for (int i = from; i < to; i++) {
                            final int idx = i;
                            ds.get(i - from).whenDone(() -> {
                                done[idx] = System.nanoTime();
                                acked.incrementAndGet();
                            });
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-publisher-" + p);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IOException("DevSec publish failed", failure.get());
        }
        while (acked.get() < n) {
            LockSupport.parkNanos(50_000);
        }
        return result(n, t0, System.nanoTime(), start, done);
    }

    /** The same TLS sockets with Nagle's algorithm left on, as plain JSSE sockets come. */
    static final class NagleSocketFactory extends javax.net.ssl.SSLSocketFactory {
        private final javax.net.ssl.SSLSocketFactory d;

        NagleSocketFactory(javax.net.ssl.SSLSocketFactory d) {
            this.d = d;
        }

        private static Socket nagle(Socket s) throws IOException {
            s.setTcpNoDelay(false);
            return s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return d.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return d.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return nagle(d.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return nagle(d.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return nagle(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return nagle(d.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return nagle(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return nagle(d.createSocket(address, port, localAddress, localPort));
        }
    }

    private String devsecInflight() {
        long coalescing = devsecCoalescingMicros >= 0 ? devsecCoalescingMicros : DeviceMqttClient.DEFAULT_WRITE_COALESCING.toNanos() / 1000;
        return (devsecInflight > 0 ? "maxInflight " + devsecInflight : "DevSec's default maxInflight " + DeviceMqttClient.DEFAULT_MAX_INFLIGHT)
                + (protocol == MqttProtocol.MQTT_5 ? " capped by the broker's Receive Maximum" : "")
                + (coalescing == 0 ? ", write coalescing off" : ", write coalescing " + coalescing + " µs");
    }

    private static Result result(int n, long t0, long t1, long[] start, long[] done) {
        double[] lat = new double[n];
        for (int i = 0; i < n; i++) {
            lat[i] = (done[i] - start[i]) / 1e6;
        }
        Arrays.sort(lat);
        return new Result(n / ((t1 - t0) / 1e9), lat[n / 2], lat[Math.min(n - 1, (int) (n * 0.99))]);
    }

    static double median(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static void deleteTree(Path p) {
        if (p == null || !Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.deleteIfExists(x);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    /** A throwaway PKI for the bench: a CA, the broker's certificate for localhost, and device certificates. */
    static final class Pki {
        final KeyPair caKeys;
        final X509Certificate ca;
        final KeyPair serverKeys;
        final X509Certificate server;
        private final SecureRandom random = new SecureRandom();

        Pki() throws Exception {
            caKeys = ec();
            Instant now = Instant.now();
            X500Principal caName = new X500Principal("CN=DevSec Bench CA");
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now.minusSeconds(3600)),
                    Date.from(now.plus(Duration.ofDays(2))), caName, caKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            ca = sign(b);
            serverKeys = ec();
            server = issue(serverKeys, "localhost", true);
        }

        private BigInteger serial() {
            return new BigInteger(63, random);
        }

        static KeyPair ec() throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        }

        private X509Certificate sign(JcaX509v3CertificateBuilder b) throws Exception {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        }

        X509Certificate issue(KeyPair kp, String cn, boolean isServer) throws Exception {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minusSeconds(3600)),
                    Date.from(now.plus(Duration.ofDays(2))), new X500Principal("CN=" + cn), kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(isServer ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            if (isServer) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, cn)));
            }
            return sign(b);
        }

        DeviceTlsContext deviceTls(String cn) throws Exception {
            KeyPair kp = ec();
            X509Certificate cert = issue(kp, cn, false);
            return DeviceTlsContext.create(TlsIdentity.of(kp.getPrivate(), List.of(cert, ca)), TrustAnchors.of(List.of(ca)),
                    TlsSettings.MODERN);
        }
    }

    /** Mosquitto in the foreground on a free loopback port: TLS, client certificates, CN as user name, per-device ACL. */
    static final class Broker implements AutoCloseable {
        private final Path exe;
        private final Path dir;
        private final Path conf;
        private final int port;
        private Process process;

        Broker(Path exe, Path dir, Pki pki, String[] extraConf) throws Exception {
            this.exe = exe;
            this.dir = Files.createDirectories(dir);
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path caFile = dir.resolve("ca.pem");
            Path certFile = dir.resolve("server.pem");
            Path keyFile = dir.resolve("server.key");
            Path acl = dir.resolve("acl");
            Files.writeString(caFile, pem("CERTIFICATE", pki.ca.getEncoded()));
            Files.writeString(certFile, pem("CERTIFICATE", pki.server.getEncoded()) + pem("CERTIFICATE", pki.ca.getEncoded()));
            Files.writeString(keyFile, pem("PRIVATE KEY", pki.serverKeys.getPrivate().getEncoded()));
            Files.writeString(acl, "pattern readwrite devices/%u/#\n");
            conf = dir.resolve("mosquitto.conf");
            List<String> lines = new ArrayList<>(List.of("per_listener_settings false", "listener " + port + " 127.0.0.1",
                    "cafile " + caFile, "certfile " + certFile, "keyfile " + keyFile, "require_certificate true",
                    "use_identity_as_username true", "allow_anonymous false", "acl_file " + acl, "set_tcp_nodelay true",
                    "persistence false", "max_connections -1", "log_type error", "log_type warning"));
            lines.addAll(Arrays.asList(extraConf));
            Files.writeString(conf, String.join("\n", lines) + "\n");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (Path p : new Path[] {caFile, certFile, acl, conf}) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r-----"));
            try {
                GroupPrincipal grp = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("mosquitto");
                Files.getFileAttributeView(keyFile, PosixFileAttributeView.class).setGroup(grp);
            } catch (IOException | UnsupportedOperationException e) {
                Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
            }
            start();
        }

        static String pem(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                    + "\n-----END " + type + "-----\n";
        }

        int port() {
            return port;
        }

        synchronized void start() throws Exception {
            process = new ProcessBuilder(exe.toString(), "-c", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile())).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline && process.isAlive()) {
                try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    if (probe.isConnected()) {
                        return;
                    }
                } catch (IOException e) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            }
            throw new IOException("mosquitto did not start: " + Files.readString(dir.resolve("mosquitto.log")));
        }

        /** SIGKILL. */
        synchronized void kill() throws InterruptedException {
            if (process != null) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                process = null;
            }
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }

}
