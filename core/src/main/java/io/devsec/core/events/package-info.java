/**
 * Security telemetry (ETSI TS 103 645 provision 4.10): one stream of typed security events from
 * every module, examined for anomalies and exportable as telemetry.
 *
 * <ul>
 *   <li>{@link io.devsec.core.events.SecurityEvent}: immutable, typed, with non-secret attributes.</li>
 *   <li>{@link io.devsec.core.events.SecurityEvents}: the thread-safe stream (publish, subscribe,
 *       bounded rings of recent events and alerts, isolated listener failures); listeners are called
 *       on the stream's own delivery thread, through a bounded queue that never blocks the publisher.</li>
 *   <li>{@link io.devsec.core.events.AnomalyDetector} with {@link io.devsec.core.events.AnomalySettings}:
 *       fixed thresholds per window and an EWMA baseline, raising
 *       {@link io.devsec.core.events.SecurityAlert}s; driven by an injected clock, no threads.</li>
 *   <li>{@link io.devsec.core.events.SecurityEventJson}, {@link io.devsec.core.events.JsonLinesExporter}
 *       and {@link io.devsec.core.events.TelemetryExporter} (through a
 *       {@link io.devsec.core.events.TelemetryPublisher}) export events and alerts as JSON lines.</li>
 *   <li>{@link io.devsec.core.events.EventAdapters} bridges transport's and update's listeners.</li>
 * </ul>
 */
package io.devsec.core.events;
