/**
 * DevSec transport: mutually authenticated TLS and MQTT that survives outages (ETSI TS 103 645
 * provisions 4.5, 4.9 and 4.13). A leaf module: JDK, Bouncy Castle, SLF4J and Eclipse Paho only.
 *
 * <h2>TLS</h2>
 * {@link io.devsec.transport.DeviceTlsContext} builds a client context from the device identity
 * ({@link io.devsec.transport.TlsIdentity}: an {@code X509KeyManager}, or a private key and chain;
 * a PKCS#11 key works because only signing is asked of it), the trust anchors
 * ({@link io.devsec.transport.TrustAnchors}, a PEM bundle) and
 * {@link io.devsec.transport.TlsSettings#MODERN}: TLS 1.3 and 1.2, AEAD ECDHE suites, host name
 * verification always on, optional SHA-256 public key pins (matched against the validated path
 * only) and optional revocation checking ({@link io.devsec.transport.RevocationSettings}, off by
 * default). Refusals are
 * {@link javax.net.ssl.SSLHandshakeException}s whose cause names the reason
 * ({@link io.devsec.transport.PeerPinMismatchException},
 * {@link io.devsec.transport.PeerCertificateRevokedException}, {@link io.devsec.transport.TlsPolicyException},
 * the JDK's certificate exceptions).
 *
 * <h2>MQTT</h2>
 * <pre>{@code
 * DeviceTlsContext tls = DeviceTlsContext.create(TlsIdentity.of(key, chain),
 *         TrustAnchors.fromPem(Path.of("ca.pem")), TlsSettings.MODERN);
 * DeviceMqttClient mqtt = DeviceMqttClient.builder()
 *         .broker("broker.example.com", 8883)
 *         .deviceId("device-42")                       // namespace devices/device-42/
 *         .tls(tls)
 *         .outbox(OutboxSettings.of(dataDir.resolve("outbox"), outboxKey))
 *         .validator(message -> checkSchema(message))  // throws InvalidMessageException
 *         .listener(securityEventsAndConnectionState)
 *         .build();
 * mqtt.subscribe("devices/device-42/cmd/#", Qos.AT_LEAST_ONCE, this::onCommand);
 * mqtt.start();                                        // jittered first connect, then DevSec's backoff
 * mqtt.publish("devices/device-42/telemetry", bytes, Qos.AT_LEAST_ONCE); // durable on return
 * }</pre>
 *
 * <p>{@link io.devsec.transport.DeviceMqttClient} speaks MQTT 5 by default (the broker's refusals
 * come back as reason codes, which DevSec turns into {@link io.devsec.transport.PublishRefusedException})
 * and MQTT 3.1.1 on request. QoS 1 messages go through an encrypted, crash-safe outbox
 * ({@link io.devsec.transport.OutboxSettings}, {@link io.devsec.transport.OutboxKey}) and are
 * delivered at least once, in order, across broker outages and restarts of the device.
 * {@link io.devsec.transport.ReconnectPolicy#DEFAULT} is full-jitter exponential backoff (1 s to
 * 120 s). Inbound messages pass a size limit, the {@link io.devsec.transport.TopicNamespace}, a
 * subscription match and the {@link io.devsec.transport.MessageValidator} before any
 * {@link io.devsec.transport.MessageHandler}; rejections are
 * {@link io.devsec.transport.TransportSecurityEvent}s.
 *
 * <p>Nothing in {@code io.devsec.transport.internal} is API.
 */
package io.devsec.transport;
