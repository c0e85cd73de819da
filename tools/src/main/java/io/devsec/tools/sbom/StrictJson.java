package io.devsec.tools.sbom;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Reads one JSON file strictly: bounded size, nesting depth, string and number lengths; duplicate keys,
 * comments, trailing data and non-standard numbers are errors.
 */
final class StrictJson {
    static final int MAX_DEPTH = 64;
    static final int MAX_STRING = 1 << 20;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH).maxStringLength(MAX_STRING).maxNumberLength(64).maxNameLength(1024).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private StrictJson() {}

    /** A JSON file that could not be used: unreadable, too large or malformed. */
    static final class BadFileException extends Exception {
        private static final long serialVersionUID = 1L;

        BadFileException(Path file, String problem) {
            super(file + ": " + problem);
        }
    }

    static JsonNode read(Path file, long maxBytes) throws BadFileException {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
                throw new BadFileException(file, "not a readable file");
            }
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new BadFileException(file, "larger than " + maxBytes + " bytes");
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length == 0) {
                throw new BadFileException(file, "empty");
            }
            JsonNode n = MAPPER.readTree(bytes);
            if (n == null || n.isMissingNode()) {
                throw new BadFileException(file, "no JSON value");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new BadFileException(file, "invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadFileException(file, "cannot be read: " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    /** Text with control characters replaced, so that a hostile file cannot drive the terminal. */
    static String printable(String s, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (s.length() > max) {
            sb.append("...");
        }
        return sb.toString().trim();
    }
}
