package io.devsec.core.events;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes events and alerts as JSON lines ({@link SecurityEventJson}) to a {@link Writer} or
 * {@link OutputStream} (UTF-8), one object per line, flushed after each line. Subscribe it to a
 * {@link SecurityEvents}. Thread-safe. A write failure is thrown as {@link UncheckedIOException},
 * which the stream isolates, logs and counts. Closing the target is the caller's job.
 */
public final class JsonLinesExporter implements SecurityEventListener {
    private final Writer out;
    private final boolean alerts;

    private JsonLinesExporter(Writer out, boolean alerts) {
        this.out = out;
        this.alerts = alerts;
    }

    /** Exports events and alerts to {@code out}. */
    public static JsonLinesExporter to(Writer out) {
        return new JsonLinesExporter(Objects.requireNonNull(out, "out"), true);
    }

    /** Exports events and alerts to {@code out}, encoded as UTF-8. */
    public static JsonLinesExporter to(OutputStream out) {
        return to(new BufferedWriter(new OutputStreamWriter(Objects.requireNonNull(out, "out"), StandardCharsets.UTF_8)));
    }

    @Override
    public void onEvent(SecurityEvent event) {
        write(SecurityEventJson.toJson(event));
    }

    @Override
    public void onAlert(SecurityAlert alert) {
        if (alerts) {
            write(SecurityEventJson.toJson(alert));
        }
    }

    private synchronized void write(String line) {
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("exporting a security event failed", e);
        }
    }
}
