package io.devsec.core.events;

import io.devsec.core.events.SecurityEvent.Source;
import io.devsec.core.events.SecurityEvent.Type;
import io.devsec.core.validation.ValidationException;
import io.devsec.transport.ConnectionState;
import io.devsec.transport.InvalidMessageException;
import io.devsec.transport.TransportEventListener;
import io.devsec.transport.TransportSecurityEvent;
import io.devsec.update.BootStatus;
import io.devsec.update.ExpiredMetadataException;
import io.devsec.update.ImageHashException;
import io.devsec.update.ImageLengthException;
import io.devsec.update.RollbackException;
import io.devsec.update.RootVersionException;
import io.devsec.update.ThresholdNotMetException;
import io.devsec.update.UpdateException;
import io.devsec.update.UpdateListener;
import io.devsec.update.UpdateMetadata;
import io.devsec.update.VersionMismatchException;
import io.devsec.update.WrongHardwareException;
import java.time.LocalDate;
import java.util.Objects;

/**
 * Bridges the leaves' listener interfaces, and validation failures, into a {@link SecurityEvents}
 * stream. The adapters never throw into the leaf that calls them.
 *
 * <pre>{@code
 * clientBuilder.eventListener(EventAdapters.transportListener(events));
 * agentBuilder.listener(EventAdapters.updateListener(events));
 * }</pre>
 */
public final class EventAdapters {
    private EventAdapters() {
    }

    /**
     * A transport listener publishing each {@link TransportSecurityEvent} (refused peers and
     * connects, rejected inbound messages, refused topics and publishes, expiring certificates) and
     * each loss of connection ({@link Type#CONNECTION_LOST}, from which the detector sees storms).
     * Attributes: {@code detail}, {@code exception} (class name), and for rejected inbound messages
     * {@code reason} and {@code topic}.
     */
    public static TransportEventListener transportListener(SecurityEvents events) {
        return transportListener(events, TransportEventListener.NONE);
    }

    /**
     * As {@link #transportListener(SecurityEvents)}, and also forwards every call to the
     * application's {@code delegate} (after publishing; a delegate that throws is logged, not propagated).
     */
    public static TransportEventListener transportListener(SecurityEvents events, TransportEventListener delegate) {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(delegate, "delegate");
        return new TransportEventListener() {
            @Override
            public void certificateExpiring(java.security.cert.X509Certificate certificate, java.time.Instant notAfter) {
                forward(() -> delegate.certificateExpiring(certificate, notAfter));
            }

            @Override
            public void connectionStateChanged(ConnectionState state) {
                forward(() -> delegate.connectionStateChanged(state));
                if (state == ConnectionState.DISCONNECTED) {
                    safely(events, () -> events.record(Type.CONNECTION_LOST, Source.TRANSPORT,
                            java.util.Collections.singletonMap("state", state.name())));
                }
            }

            @Override
            public void securityEvent(TransportSecurityEvent event) {
                safely(events, () -> events.publish(fromTransport(event)));
                forward(() -> delegate.securityEvent(event));
            }
        };
    }

    /** The security event for a transport event (see {@link #transportListener}). */
    public static SecurityEvent fromTransport(TransportSecurityEvent event) {
        Type type;
        switch (event.type()) {
            case PEER_REFUSED:
                type = Type.TLS_PEER_REFUSED;
                break;
            case CONNECT_REFUSED:
                type = Type.CONNECT_REFUSED;
                break;
            case INBOUND_MESSAGE_REJECTED:
                type = Type.INVALID_INPUT;
                break;
            case TOPIC_REFUSED_LOCALLY:
                type = Type.TOPIC_REFUSED;
                break;
            case BROKER_REFUSED:
                type = Type.BROKER_REFUSED;
                break;
            case CERTIFICATE_EXPIRING:
                type = Type.CERTIFICATE_EXPIRING;
                break;
            default:
                type = Type.OTHER;
                break;
        }
        SecurityEvent.Builder b = SecurityEvent.builder(type, Source.TRANSPORT).time(event.time())
                .attribute("transportType", event.type().name())
                .attribute("detail", event.detail());
        event.cause().ifPresent(c -> {
            b.attribute("exception", c.getClass().getName());
            if (c instanceof InvalidMessageException) {
                InvalidMessageException m = (InvalidMessageException) c;
                b.attribute("reason", m.reason().name());
                if (m.topic() != null) {
                    b.attribute("topic", m.topic());
                }
                m.rule().ifPresent(rule -> b.attribute("validationReason", rule));
                m.path().ifPresent(path -> b.attribute("path", path));
            }
        });
        return b.build();
    }

    /**
     * An update listener publishing refusals (as {@link Type#ROLLBACK_ATTEMPT},
     * {@link Type#SIGNATURE_INVALID}, {@link Type#INTEGRITY_FAILURE} or {@link Type#UPDATE_REFUSED}),
     * installs, confirmations, rollbacks, the end of support and failed checks.
     */
    public static UpdateListener updateListener(SecurityEvents events) {
        return updateListener(events, new UpdateListener() { });
    }

    /**
     * As {@link #updateListener(SecurityEvents)}, and also forwards every call to the application's
     * {@code delegate} (after publishing; a delegate that throws is logged, not propagated).
     */
    public static UpdateListener updateListener(SecurityEvents events, UpdateListener delegate) {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(delegate, "delegate");
        return new UpdateListener() {
            @Override
            public void onInstalled(UpdateMetadata update) {
                safely(events, () -> events.publish(SecurityEvent.builder(Type.UPDATE_INSTALLED, Source.UPDATE)
                        .time(events.clock().instant())
                        .attribute("version", Long.toString(update.version()))
                        .attribute("securityUpdate", Boolean.toString(update.securityUpdate()))
                        .build()));
                forward(() -> delegate.onInstalled(update));
            }

            @Override
            public void onRefused(UpdateException reason) {
                safely(events, () -> events.publish(fromUpdateRefusal(reason, events.clock().instant())));
                forward(() -> delegate.onRefused(reason));
            }

            @Override
            public void onConfirmed(long version) {
                safely(events, () -> events.record(Type.UPDATE_CONFIRMED, Source.UPDATE,
                        java.util.Collections.singletonMap("version", Long.toString(version))));
                forward(() -> delegate.onConfirmed(version));
            }

            @Override
            public void onRolledBack(BootStatus status) {
                onRolledBack(status, status.rollbackReason().orElse("trial not confirmed"));
            }

            @Override
            public void onRolledBack(BootStatus status, String reason) {
                safely(events, () -> events.publish(SecurityEvent.builder(Type.UPDATE_ROLLED_BACK, Source.UPDATE)
                        .time(events.clock().instant())
                        .attribute("confirmedSlot", status.confirmedSlot().name())
                        .attribute("confirmedVersion", Long.toString(status.confirmedVersion()))
                        .attribute("reason", reason)
                        .build()));
                forward(() -> delegate.onRolledBack(status, reason));
            }

            @Override
            public void onSupportEnded(LocalDate supportUntil) {
                safely(events, () -> events.record(Type.SUPPORT_ENDED, Source.UPDATE,
                        java.util.Collections.singletonMap("supportUntil", supportUntil.toString())));
                forward(() -> delegate.onSupportEnded(supportUntil));
            }

            @Override
            public void onCheckFailed(Exception error) {
                safely(events, () -> events.record(Type.UPDATE_CHECK_FAILED, Source.UPDATE,
                        java.util.Collections.singletonMap("exception", error.getClass().getName())));
                forward(() -> delegate.onCheckFailed(error));
            }
        };
    }

    /** The security event for a refused update (see {@link #updateListener}). */
    public static SecurityEvent fromUpdateRefusal(UpdateException reason, java.time.Instant time) {
        Type type;
        if (reason instanceof RollbackException || reason instanceof RootVersionException) {
            type = Type.ROLLBACK_ATTEMPT;
        } else if (reason instanceof ThresholdNotMetException) {
            type = Type.SIGNATURE_INVALID;
        } else if (reason instanceof ImageHashException || reason instanceof ImageLengthException
                || reason instanceof VersionMismatchException) {
            type = Type.INTEGRITY_FAILURE;
        } else if (reason instanceof io.devsec.update.MissingMetadataException) {
            // A trial without stored signed metadata: never confirmed (UpdateAgent.confirm).
            type = Type.INTEGRITY_UNVERIFIABLE;
        } else if (reason instanceof io.devsec.update.MalformedMetadataException
                || reason instanceof io.devsec.update.MetadataTooLargeException
                || reason instanceof io.devsec.update.WrongPayloadTypeException
                || reason instanceof io.devsec.update.UnsafePathException) {
            // Refused by the update module's strict parser: invalid input at the update boundary (4.13).
            type = Type.INVALID_INPUT;
        } else {
            type = Type.UPDATE_REFUSED;
        }
        SecurityEvent.Builder b = SecurityEvent.builder(type, Source.UPDATE).time(time)
                .attribute("exception", reason.getClass().getName());
        if (type == Type.INVALID_INPUT) {
            b.attribute("boundary", "update-metadata");
        }
        if (reason instanceof RollbackException) {
            RollbackException r = (RollbackException) reason;
            b.attribute("installed", Long.toString(r.installed())).attribute("floor", Long.toString(r.floor()))
                    .attribute("offered", Long.toString(r.offered()));
        } else if (reason instanceof RootVersionException) {
            RootVersionException r = (RootVersionException) reason;
            b.attribute("trusted", Long.toString(r.trusted())).attribute("offered", Long.toString(r.offered()));
        } else if (reason instanceof ThresholdNotMetException) {
            ThresholdNotMetException r = (ThresholdNotMetException) reason;
            b.attribute("role", r.role()).attribute("threshold", Integer.toString(r.threshold()))
                    .attribute("validKeys", Integer.toString(r.validKeys()));
        } else if (reason instanceof VersionMismatchException) {
            VersionMismatchException r = (VersionMismatchException) reason;
            b.attribute("running", Long.toString(r.running())).attribute("signed", Long.toString(r.signed()));
        } else if (reason instanceof ExpiredMetadataException) {
            ExpiredMetadataException r = (ExpiredMetadataException) reason;
            b.attribute("role", r.role()).attribute("expires", r.expires().toString());
        } else if (reason instanceof WrongHardwareException) {
            WrongHardwareException r = (WrongHardwareException) reason;
            b.attribute("expected", r.expected()).attribute("found", r.found());
        } else if (reason.getMessage() != null) {
            // Update's messages hold no key material or payload bytes (UpdateException's contract).
            b.attribute("detail", reason.getMessage());
        }
        return b.build();
    }

    /**
     * Publishes an {@link Type#INVALID_INPUT} event for input refused at {@code boundary} (such as
     * {@code "config"}, {@code "provisioning"}): attributes {@code boundary}, {@code reason},
     * {@code path} and {@code expected}, never the input.
     */
    public static SecurityEvent invalidInput(SecurityEvents events, Source source, String boundary,
            ValidationException refusal) {
        Objects.requireNonNull(events, "events");
        SecurityEvent e = SecurityEvent.builder(Type.INVALID_INPUT, source).time(events.clock().instant())
                .attribute("boundary", Objects.requireNonNull(boundary, "boundary"))
                .attribute("reason", refusal.reason().name())
                .attribute("path", refusal.path())
                .attribute("expected", refusal.expected())
                .build();
        events.publish(e);
        return e;
    }

    private static void forward(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(EventAdapters.class).warn("the application's listener failed", e);
        }
    }

    private static void safely(SecurityEvents events, Runnable publish) {
        try {
            publish.run();
        } catch (RuntimeException e) {
            // Never throw into the leaf; the stream itself isolates listeners, so this is an adapter bug.
            org.slf4j.LoggerFactory.getLogger(EventAdapters.class)
                    .warn("could not publish a security event from a leaf listener", e);
        }
    }
}
