package io.devsec.core.provisioning;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.devsec.core.provisioning.InvalidProvisioningRecordException.Problem;
import io.devsec.storage.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * What a manufacturer provisions into one device at the factory: its serial number and the initial
 * password printed on its label. The device reads the record on its first start, stores only an
 * Argon2id hash of the password, and deletes the record file once its own state is durably written.
 *
 * <p>The JSON form is one object, at most {@value #MAX_BYTES} bytes:
 * <pre>{"version":1,"serialNumber":"SN-0001","initialPassword":"..."}</pre>
 * Parsing is strict: unknown fields, duplicate fields, trailing data, nesting and wrong types are each
 * refused with an {@link InvalidProvisioningRecordException} naming the {@link Problem}; no exception
 * message ever contains the password.
 *
 * <p>A device holds a record to the same standard as a label from {@code devsec provision}: it reads
 * the file only when owned by the device's user and closed to group and others
 * ({@link #readOwnerOnly}), and accepts the password only when it meets
 * {@link LabelPasswords#meetsLabelRule} or the device's password policy. Otherwise it refuses the whole
 * record (see {@code DeviceSecurity.Builder.provisioningRecord}).
 *
 * <p><b>Warning:</b> the record holds a password in clear text. {@link #write(Path)} creates it
 * owner-only; move it onto the device over a trusted channel, chown it to the device's user, and never
 * keep copies. Call
 * {@link #destroy()} when done to wipe the password held in memory.
 */
public final class ProvisioningRecord implements Destroyable {

    /** Largest accepted record, in bytes. */
    public static final int MAX_BYTES = 4096;

    /** The format version this class writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /** Longest accepted serial number. */
    public static final int MAX_SERIAL_LENGTH = 64;

    /** Longest accepted initial password (characters). */
    public static final int MAX_PASSWORD_LENGTH = 256;

    /** Shortest accepted initial password (characters). */
    public static final int MIN_PASSWORD_LENGTH = 8;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(2)
                    .maxStringLength(MAX_BYTES)
                    .maxNumberLength(10)
                    .build())
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS_READ_WRITE = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private final String serialNumber;
    private final char[] initialPassword;
    private boolean destroyed;

    private ProvisioningRecord(String serialNumber, char[] initialPassword) {
        this.serialNumber = serialNumber;
        this.initialPassword = initialPassword;
    }

    /**
     * A record for one device; {@code initialPassword} is copied (wipe your array).
     *
     * @throws IllegalArgumentException when the serial number is not 1 to 64 characters of
     *     {@code [A-Za-z0-9._-]} or the password is not 8 to 256 characters without control characters
     */
    public static ProvisioningRecord of(String serialNumber, char[] initialPassword) {
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(initialPassword, "initialPassword");
        String serialProblem = serialProblem(serialNumber);
        if (serialProblem != null) {
            throw new IllegalArgumentException("serialNumber " + serialProblem);
        }
        String passwordProblem = passwordProblem(initialPassword);
        if (passwordProblem != null) {
            throw new IllegalArgumentException("initialPassword " + passwordProblem);
        }
        return new ProvisioningRecord(serialNumber, initialPassword.clone());
    }

    /** The device's serial number (not secret). */
    public String serialNumber() {
        return serialNumber;
    }

    /**
     * A copy of the initial password; the caller wipes it.
     *
     * @throws IllegalStateException after {@link #destroy()}
     */
    public synchronized char[] initialPassword() {
        ensureNotDestroyed();
        return initialPassword.clone();
    }

    /**
     * The record as UTF-8 JSON; the array holds the password, so the caller wipes it after use.
     * Use this (not {@link #write(Path)}) to put many records into one archive without an fsync each.
     */
    public synchronized byte[] toJson() {
        ensureNotDestroyed();
        WipingBuffer buffer = new WipingBuffer();
        try (JsonGenerator g = JSON.createGenerator(buffer)) {
            g.writeStartObject();
            g.writeNumberField("version", FORMAT_VERSION);
            g.writeStringField("serialNumber", serialNumber);
            g.writeFieldName("initialPassword");
            g.writeString(initialPassword, 0, initialPassword.length);
            g.writeEndObject();
        } catch (IOException e) {
            buffer.wipe();
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
        byte[] out = buffer.toByteArray();
        buffer.wipe();
        return out;
    }

    /**
     * Writes the record to {@code file} atomically and durably (temporary file, fsync, rename, folder
     * fsync); a new file is owner-only (0600).
     */
    public void write(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        byte[] json = toJson();
        try {
            AtomicFiles.write(file, json);
        } finally {
            Arrays.fill(json, (byte) 0);
        }
    }

    /**
     * Reads and parses a record file the way a device does on its first start: only when nobody but the
     * device's user can have read or written it. Where the file system has POSIX permissions the file must
     * be a regular file (not a symbolic link, opened without following one) owned by {@code deviceUser},
     * with no read or write permission for group or others, before and after it is read, and still the
     * same file (same file key, where the file system has them) after it was read; on other file
     * systems (FAT, Windows) there is nothing to check and this reads as {@link #read(Path)} does.
     *
     * @param file the record file
     * @param deviceUser the user the device runs as
     * @return the parsed record
     * @throws InvalidProvisioningRecordException with {@link Problem#INSECURE_FILE} when the file is refused
     *     (the message names the owner and permissions, never the content), or as {@link #parse(byte[])}
     * @throws IOException when the file cannot be read
     */
    public static ProvisioningRecord readOwnerOnly(Path file, UserPrincipal deviceUser)
            throws IOException, InvalidProvisioningRecordException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(deviceUser, "deviceUser");
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return read(file);
        }
        PosixFileAttributes before = view.readAttributes();
        checkOwnerOnly(file, before, deviceUser);
        ProvisioningRecord record = read(file, LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes after = view.readAttributes();
        if (before.fileKey() != null && !before.fileKey().equals(after.fileKey())) {
            record.destroy();
            throw new InvalidProvisioningRecordException(Problem.INSECURE_FILE,
                    "record file " + file + " was replaced while it was read");
        }
        try {
            checkOwnerOnly(file, after, deviceUser);
        } catch (InvalidProvisioningRecordException e) {
            record.destroy();
            throw e;
        }
        return record;
    }

    private static void checkOwnerOnly(Path file, PosixFileAttributes attributes, UserPrincipal deviceUser)
            throws InvalidProvisioningRecordException {
        if (!attributes.isRegularFile()) {
            throw new InvalidProvisioningRecordException(Problem.INSECURE_FILE, "record file " + file
                    + " is not a regular file" + (attributes.isSymbolicLink() ? " (a symbolic link)" : ""));
        }
        if (!deviceUser.equals(attributes.owner())) {
            throw new InvalidProvisioningRecordException(Problem.INSECURE_FILE, "record file " + file + " is owned by "
                    + attributes.owner().getName() + ", not by the device's user " + deviceUser.getName()
                    + ": chown it to the device's user");
        }
        for (PosixFilePermission p : attributes.permissions()) {
            if (GROUP_OR_OTHERS_READ_WRITE.contains(p)) {
                throw new InvalidProvisioningRecordException(Problem.INSECURE_FILE, "record file " + file
                        + " has permissions " + PosixFilePermissions.toString(attributes.permissions())
                        + ": group or others can read or write it (chmod 600 before the first start)");
            }
        }
    }

    /**
     * Reads and parses a record file. Checks neither owner nor permissions: a device reads its record with
     * {@link #readOwnerOnly(Path, UserPrincipal)}.
     *
     * @throws InvalidProvisioningRecordException when the file is larger than {@value #MAX_BYTES} bytes
     *     or its content is refused (see {@link #parse(byte[])})
     * @throws IOException when the file cannot be read
     */
    public static ProvisioningRecord read(Path file) throws IOException, InvalidProvisioningRecordException {
        Objects.requireNonNull(file, "file");
        return read(file, new OpenOption[0]);
    }

    private static ProvisioningRecord read(Path file, OpenOption... options) throws IOException, InvalidProvisioningRecordException {
        byte[] buffer = new byte[MAX_BYTES + 1];
        int length = 0;
        try (InputStream in = Files.newInputStream(file, options)) {
            int n;
            while (length < buffer.length && (n = in.read(buffer, length, buffer.length - length)) > 0) {
                length += n;
            }
            if (length > MAX_BYTES) {
                throw new InvalidProvisioningRecordException(Problem.TOO_LARGE,
                        "record file is larger than " + MAX_BYTES + " bytes");
            }
            return parse(buffer, length);
        } finally {
            Arrays.fill(buffer, (byte) 0);
        }
    }

    /**
     * Parses a record from UTF-8 JSON; the caller keeps (and wipes) {@code json}.
     *
     * @throws InvalidProvisioningRecordException naming the problem: too large, malformed, unknown or
     *     duplicate field, trailing data, missing field, invalid value or unsupported version
     */
    public static ProvisioningRecord parse(byte[] json) throws InvalidProvisioningRecordException {
        Objects.requireNonNull(json, "json");
        if (json.length > MAX_BYTES) {
            throw new InvalidProvisioningRecordException(Problem.TOO_LARGE, "record is larger than " + MAX_BYTES + " bytes");
        }
        return parse(json, json.length);
    }

    private static ProvisioningRecord parse(byte[] json, int length) throws InvalidProvisioningRecordException {
        Integer version = null;
        String serial = null;
        char[] password = null;
        boolean afterRoot = false;
        try (JsonParser p = JSON.createParser(json, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidProvisioningRecordException(Problem.MALFORMED_JSON, "record is not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "version":
                        if (version != null) {
                            throw duplicate(name);
                        }
                        if (value != JsonToken.VALUE_NUMBER_INT) {
                            throw invalid("version must be an integer");
                        }
                        version = p.getIntValue();
                        break;
                    case "serialNumber":
                        if (serial != null) {
                            throw duplicate(name);
                        }
                        if (value != JsonToken.VALUE_STRING) {
                            throw invalid("serialNumber must be a string");
                        }
                        serial = p.getText();
                        break;
                    case "initialPassword":
                        if (password != null) {
                            throw duplicate(name);
                        }
                        if (value != JsonToken.VALUE_STRING) {
                            throw invalid("initialPassword must be a string");
                        }
                        password = Arrays.copyOfRange(p.getTextCharacters(), p.getTextOffset(),
                                p.getTextOffset() + p.getTextLength());
                        break;
                    default:
                        throw new InvalidProvisioningRecordException(Problem.UNKNOWN_FIELD,
                                "unknown field \"" + printable(name) + "\"");
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new InvalidProvisioningRecordException(Problem.MALFORMED_JSON, "record is not a flat JSON object");
            }
            afterRoot = true;
            if (p.nextToken() != null) {
                throw new InvalidProvisioningRecordException(Problem.TRAILING_DATA, "data after the JSON object");
            }
            if (version == null) {
                throw missing("version");
            }
            if (version != FORMAT_VERSION) {
                throw new InvalidProvisioningRecordException(Problem.UNSUPPORTED_VERSION,
                        "version " + version + " is not supported (expected " + FORMAT_VERSION + ")");
            }
            if (serial == null) {
                throw missing("serialNumber");
            }
            if (password == null) {
                throw missing("initialPassword");
            }
            String serialProblem = serialProblem(serial);
            if (serialProblem != null) {
                throw invalid("serialNumber " + serialProblem);
            }
            String passwordProblem = passwordProblem(password);
            if (passwordProblem != null) {
                throw invalid("initialPassword " + passwordProblem);
            }
            ProvisioningRecord record = new ProvisioningRecord(serial, password);
            password = null;
            return record;
        } catch (JsonProcessingException e) {
            if (afterRoot) {
                throw new InvalidProvisioningRecordException(Problem.TRAILING_DATA, "data after the JSON object");
            }
            // Jackson's message may quote the offending token (the password): keep only the location.
            // Some refusals (Jackson's stream constraints: a number or string too long) carry no location.
            com.fasterxml.jackson.core.JsonLocation where = e.getLocation();
            throw new InvalidProvisioningRecordException(Problem.MALFORMED_JSON, where == null
                    ? "not well-formed JSON or over a length limit"
                    : "not well-formed JSON at line " + where.getLineNr() + ", column " + where.getColumnNr());
        } catch (IOException e) {
            throw new IllegalStateException("reading JSON from memory failed", e);
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    /** Wipes the password held in memory. Idempotent. */
    @Override
    public synchronized void destroy() {
        Arrays.fill(initialPassword, '\0');
        destroyed = true;
    }

    @Override
    public synchronized boolean isDestroyed() {
        return destroyed;
    }

    /** Names the serial number only; never the password. */
    @Override
    public String toString() {
        return "ProvisioningRecord{serialNumber=" + serialNumber + ", initialPassword=(redacted)}";
    }

    private void ensureNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("the provisioning record was destroyed");
        }
    }

    private static String serialProblem(String serial) {
        if (serial.isEmpty() || serial.length() > MAX_SERIAL_LENGTH) {
            return "must be 1 to " + MAX_SERIAL_LENGTH + " characters";
        }
        for (int i = 0; i < serial.length(); i++) {
            char c = serial.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return "may hold only A-Z, a-z, 0-9, '.', '_' and '-'";
            }
        }
        return null;
    }

    private static String passwordProblem(char[] password) {
        if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
            return "must be " + MIN_PASSWORD_LENGTH + " to " + MAX_PASSWORD_LENGTH + " characters";
        }
        for (char c : password) {
            if (Character.getType(c) == Character.CONTROL) {
                return "must not contain control characters";
            }
        }
        return null;
    }

    private static String printable(String name) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < name.length() && i < 40; i++) {
            char c = name.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    private static InvalidProvisioningRecordException duplicate(String name) {
        return new InvalidProvisioningRecordException(Problem.DUPLICATE_FIELD, "field \"" + name + "\" appears twice");
    }

    private static InvalidProvisioningRecordException missing(String name) {
        return new InvalidProvisioningRecordException(Problem.MISSING_FIELD, "field \"" + name + "\" is required");
    }

    private static InvalidProvisioningRecordException invalid(String message) {
        return new InvalidProvisioningRecordException(Problem.INVALID_VALUE, message);
    }

    /** A byte buffer whose internal array can be wiped. */
    private static final class WipingBuffer extends ByteArrayOutputStream {
        WipingBuffer() {
            super(2048);
        }

        synchronized void wipe() {
            Arrays.fill(buf, (byte) 0);
            count = 0;
        }
    }
}
