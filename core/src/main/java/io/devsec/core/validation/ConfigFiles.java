package io.devsec.core.validation;

import io.devsec.core.validation.ValidationException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/** Reads JSON configuration files under a {@link Schema}, never reading more than its size limit. */
public final class ConfigFiles {
    private ConfigFiles() {
    }

    /**
     * Reads and validates {@code file}; at most {@code schema.limits().maxDocumentBytes() + 1}
     * bytes are read, so a huge or endless file (a FIFO, {@code /dev/zero}) is refused without
     * exhausting memory.
     *
     * @throws ValidationException when the file is too large or its content breaks the schema
     * @throws IOException when the file cannot be read
     */
    public static JsonValue read(Path file, Schema schema) throws IOException, ValidationException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(schema, "schema");
        int max = schema.limits().maxDocumentBytes();
        byte[] buffer = new byte[max + 1];
        int length = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while (length < buffer.length && (n = in.read(buffer, length, buffer.length - length)) > 0) {
                length += n;
            }
        }
        byte[] content = null;
        try {
            if (length > max) {
                throw new ValidationException(Reason.TOO_LARGE, "$", "a file of at most " + max + " bytes");
            }
            content = Arrays.copyOf(buffer, length);
            return schema.parse(content);
        } finally {
            Arrays.fill(buffer, (byte) 0);
            if (content != null) {
                Arrays.fill(content, (byte) 0);
            }
        }
    }
}
