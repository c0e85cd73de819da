package io.devsec.core;

import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.MessageValidator;
import io.devsec.transport.MqttProtocol;
import io.devsec.transport.OutboxSettings;
import io.devsec.transport.ReconnectPolicy;
import io.devsec.transport.TlsSettings;
import io.devsec.transport.TransportEventListener;
import io.devsec.transport.TrustAnchors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where and how {@link DeviceSecurity#mqtt(MqttSettings)} connects the device: the broker, the trust
 * anchors that authenticate it, and the choices that have secure defaults.
 *
 * <p>Defaults: {@link TlsSettings#MODERN} (TLS 1.3 and 1.2, AEAD suites, hostname verification),
 * {@link MqttProtocol#MQTT_5}, {@link ReconnectPolicy#DEFAULT} (a random 0-5 s wait before the first connect,
 * then exponential backoff with full jitter; {@link ReconnectPolicy#DEVELOPMENT} skips the wait), client id
 * and topic namespace from the device id ({@code devices/{deviceId}/}), an encrypted outbox in
 * {@value #DEFAULT_OUTBOX_FOLDER} under the data folder, no extra inbound validator, the certificate
 * renewal event {@value #DEFAULT_RENEWAL_DAYS} days before the device certificate expires.
 *
 * <p>Immutable; build with {@link #builder(String, int, TrustAnchors)}.
 */
public final class MqttSettings {

    /** Folder of the outbox inside the data folder, unless {@link Builder#outboxFolder} says otherwise. */
    public static final String DEFAULT_OUTBOX_FOLDER = "outbox";

    /** Days before the device certificate expires when the renewal event fires, by default. */
    public static final int DEFAULT_RENEWAL_DAYS = 30;

    private final String host;
    private final int port;
    private final TrustAnchors trustAnchors;
    private final TlsSettings tlsSettings;
    private final MqttProtocol protocol;
    private final ReconnectPolicy reconnectPolicy;
    private final Optional<String> clientId;
    private final Optional<Path> outboxFolder;
    private final int outboxMaxMessages;
    private final long outboxMaxBytes;
    private final MessageValidator validator;
    private final TransportEventListener listener;
    private final Duration renewalWindow;
    private final Duration connectTimeout;
    private final Duration keepAlive;
    private final int maxInboundPayloadBytes;
    private final Consumer<DeviceMqttClient.Builder> transport;

    private MqttSettings(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.trustAnchors = b.trustAnchors;
        this.tlsSettings = b.tlsSettings;
        this.protocol = b.protocol;
        this.reconnectPolicy = b.reconnectPolicy;
        this.clientId = Optional.ofNullable(b.clientId);
        this.outboxFolder = Optional.ofNullable(b.outboxFolder);
        this.outboxMaxMessages = b.outboxMaxMessages;
        this.outboxMaxBytes = b.outboxMaxBytes;
        this.validator = b.validator;
        this.listener = b.listener;
        this.renewalWindow = b.renewalWindow;
        this.connectTimeout = b.connectTimeout;
        this.keepAlive = b.keepAlive;
        this.maxInboundPayloadBytes = b.maxInboundPayloadBytes;
        this.transport = b.transport;
    }

    /**
     * The application's settings of the transport client, applied to its builder by
     * {@link DeviceSecurity#mqtt}; see {@link Builder#transport}.
     *
     * @return the customizer (a no-op by default)
     */
    public Consumer<DeviceMqttClient.Builder> transport() {
        return transport;
    }

    /**
     * A builder for a broker at {@code host:port} (TLS), authenticated by {@code trustAnchors}; the host
     * name is checked against the broker's certificate.
     */
    public static Builder builder(String host, int port, TrustAnchors trustAnchors) {
        return new Builder(host, port, trustAnchors);
    }

    /**
     * A builder starting from these values: {@code x.toBuilder().build()} equals {@code x}, and a setter
     * changes only its own field.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder(host, port, trustAnchors);
        b.tlsSettings = tlsSettings;
        b.protocol = protocol;
        b.reconnectPolicy = reconnectPolicy;
        b.clientId = clientId.orElse(null);
        b.outboxFolder = outboxFolder.orElse(null);
        b.outboxMaxMessages = outboxMaxMessages;
        b.outboxMaxBytes = outboxMaxBytes;
        b.validator = validator;
        b.listener = listener;
        b.renewalWindow = renewalWindow;
        b.connectTimeout = connectTimeout;
        b.keepAlive = keepAlive;
        b.maxInboundPayloadBytes = maxInboundPayloadBytes;
        b.transport = transport;
        return b;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public TrustAnchors trustAnchors() {
        return trustAnchors;
    }

    public TlsSettings tlsSettings() {
        return tlsSettings;
    }

    public MqttProtocol protocol() {
        return protocol;
    }

    public ReconnectPolicy reconnectPolicy() {
        return reconnectPolicy;
    }

    /** The MQTT client id; empty means the device id. */
    public Optional<String> clientId() {
        return clientId;
    }

    /** The outbox folder; empty means {@value #DEFAULT_OUTBOX_FOLDER} in the data folder. */
    public Optional<Path> outboxFolder() {
        return outboxFolder;
    }

    public int outboxMaxMessages() {
        return outboxMaxMessages;
    }

    public long outboxMaxBytes() {
        return outboxMaxBytes;
    }

    /** The application's check of each inbound message, after the transport's own size and topic checks. */
    public MessageValidator validator() {
        return validator;
    }

    public TransportEventListener listener() {
        return listener;
    }

    /** How long before the device certificate expires the renewal event ({@code certificateExpiring}) fires. */
    public Duration renewalWindow() {
        return renewalWindow;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration keepAlive() {
        return keepAlive;
    }

    /** The largest inbound payload accepted; larger packets are refused from their header (see {@link Builder#maxInboundPayloadBytes}). */
    public int maxInboundPayloadBytes() {
        return maxInboundPayloadBytes;
    }

    @Override
    public String toString() {
        return "MqttSettings{" + host + ":" + port + ", " + protocol + ", " + tlsSettings + ", renewalWindow="
                + renewalWindow + "}";
    }

    /** Builds {@link MqttSettings}; {@link #build()} validates and names the bad field. */
    public static final class Builder {
        private final String host;
        private final int port;
        private final TrustAnchors trustAnchors;
        private TlsSettings tlsSettings = TlsSettings.MODERN;
        private MqttProtocol protocol = MqttProtocol.MQTT_5;
        private ReconnectPolicy reconnectPolicy = ReconnectPolicy.DEFAULT;
        private String clientId;
        private Path outboxFolder;
        private int outboxMaxMessages = OutboxSettings.DEFAULT_MAX_MESSAGES;
        private long outboxMaxBytes = OutboxSettings.DEFAULT_MAX_BYTES;
        private MessageValidator validator = MessageValidator.ACCEPT_ALL;
        private TransportEventListener listener = TransportEventListener.NONE;
        private Duration renewalWindow = Duration.ofDays(DEFAULT_RENEWAL_DAYS);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration keepAlive = Duration.ofSeconds(60);
        private int maxInboundPayloadBytes = 256 * 1024;
        private Consumer<DeviceMqttClient.Builder> transport = b -> { };

        private Builder(String host, int port, TrustAnchors trustAnchors) {
            this.host = host;
            this.port = port;
            this.trustAnchors = trustAnchors;
        }

        /** TLS protocols, suites and pins; default {@link TlsSettings#MODERN}. */
        public Builder tlsSettings(TlsSettings tlsSettings) {
            this.tlsSettings = tlsSettings;
            return this;
        }

        /** Default {@link MqttProtocol#MQTT_5}; {@link MqttProtocol#MQTT_3_1_1} for brokers without MQTT 5. */
        public Builder protocol(MqttProtocol protocol) {
            this.protocol = protocol;
            return this;
        }

        /**
         * How to wait before connecting and reconnecting. Default {@link ReconnectPolicy#DEFAULT}, for devices: the
         * first connect waits a random 0-5 s so that a fleet powered up together does not reach the broker at once.
         * {@link ReconnectPolicy#DEVELOPMENT} connects at once, for a developer's single device only.
         *
         * @param reconnectPolicy the policy
         * @return this builder
         */
        public Builder reconnectPolicy(ReconnectPolicy reconnectPolicy) {
            this.reconnectPolicy = reconnectPolicy;
            return this;
        }

        /** An MQTT client id other than the device id (the topic namespace stays the device's). */
        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /** Where the encrypted outbox lives; default {@value #DEFAULT_OUTBOX_FOLDER} in the data folder. */
        public Builder outboxFolder(Path outboxFolder) {
            this.outboxFolder = outboxFolder;
            return this;
        }

        /** Outbox bounds; defaults {@link OutboxSettings#DEFAULT_MAX_MESSAGES} and {@link OutboxSettings#DEFAULT_MAX_BYTES}. */
        public Builder outboxLimits(int maxMessages, long maxBytes) {
            this.outboxMaxMessages = maxMessages;
            this.outboxMaxBytes = maxBytes;
            return this;
        }

        /**
         * The inbound validator hook for subscriptions made with {@code subscribe(filter, qos, handler)}: runs
         * after the transport's checks and DevSec's registry ({@link DeviceSecurity#validators()}) and before
         * their handlers; throwing drops the message and reports a security event. Default: accept. A
         * {@link io.devsec.core.validation.Subscription} checks its messages with its own schema instead.
         *
         * @param validator the check
         * @return this builder
         */
        public Builder validator(MessageValidator validator) {
            this.validator = validator;
            return this;
        }

        /** Connection states, security events and the certificate renewal event. */
        public Builder listener(TransportEventListener listener) {
            this.listener = listener;
            return this;
        }

        /** The renewal event fires this long before the device certificate expires; default 30 days. */
        public Builder renewalWindow(Duration renewalWindow) {
            this.renewalWindow = renewalWindow;
            return this;
        }

        /** Default 10 seconds. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Default 60 seconds. */
        public Builder keepAlive(Duration keepAlive) {
            this.keepAlive = keepAlive;
            return this;
        }

        /**
         * The largest inbound payload, default 256 KiB. A larger message is dropped with a security event;
         * a packet larger than this plus 128 KiB is refused from its header before it is read, and the
         * connection is re-established (see {@code DeviceMqttClient.Builder#maxInboundPayloadBytes}).
         *
         * @param maxBytes the limit in bytes, not negative
         * @return this builder
         */
        public Builder maxInboundPayloadBytes(int maxBytes) {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("maxInboundPayloadBytes must not be negative, got " + maxBytes);
            }
            this.maxInboundPayloadBytes = maxBytes;
            return this;
        }

        /**
         * Every other setting of the transport client, on its own builder: for example
         * {@code .transport(t -> t.maxInflight(64).writeCoalescing(Duration.ZERO).maxInboundPayloadBytes(1 << 20))}.
         * It runs after the settings of this builder (so it may override them) and before the device sets what
         * it alone decides: broker address, device id and namespace {@code devices/{deviceId}/}, TLS identity,
         * inbound validator, event listener, outbox, clock, random source, dropping of its own echoed publishes
         * ({@code noLocal}) and DevSec's reserved command
         * subscription. A value the transport refuses fails {@link DeviceSecurity#mqtt} with the transport's
         * {@link IllegalArgumentException}.
         *
         * @param customizer applied to each client's builder; replaces an earlier one
         * @return this builder
         */
        public Builder transport(Consumer<DeviceMqttClient.Builder> customizer) {
            this.transport = java.util.Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /** @throws IllegalArgumentException naming the missing or invalid field */
        public MqttSettings build() {
            if (host == null || host.trim().isEmpty()) {
                throw new IllegalArgumentException("host is required");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
            }
            if (trustAnchors == null) {
                throw new IllegalArgumentException("trustAnchors is required");
            }
            if (trustAnchors.certificates().isEmpty()) {
                throw new IllegalArgumentException("trustAnchors must hold at least one certificate");
            }
            requireNonNull(tlsSettings, "tlsSettings");
            requireNonNull(protocol, "protocol");
            requireNonNull(reconnectPolicy, "reconnectPolicy");
            requireNonNull(validator, "validator");
            requireNonNull(listener, "listener");
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(keepAlive, "keepAlive");
            requireNonNull(renewalWindow, "renewalWindow");
            if (renewalWindow.isNegative()) {
                throw new IllegalArgumentException("renewalWindow must not be negative");
            }
            if (clientId != null && (clientId.isEmpty() || clientId.length() > 230)) {
                throw new IllegalArgumentException("clientId must be 1 to 230 characters");
            }
            if (outboxMaxMessages < 1) {
                throw new IllegalArgumentException("outboxMaxMessages must be positive");
            }
            if (outboxMaxBytes < 1) {
                throw new IllegalArgumentException("outboxMaxBytes must be positive");
            }
            return new MqttSettings(this);
        }

        private static void requireNonNull(Object o, String name) {
            if (o == null) {
                throw new IllegalArgumentException(name + " must not be null");
            }
        }

        private static void requirePositive(Duration d, String name) {
            requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
        }
    }
}
