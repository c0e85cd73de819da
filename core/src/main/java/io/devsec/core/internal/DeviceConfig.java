package io.devsec.core.internal;

import io.devsec.core.disclosure.DisclosurePolicy;
import io.devsec.core.privacy.Purpose;
import io.devsec.core.validation.ConfigFiles;
import io.devsec.core.validation.JsonValue;
import io.devsec.core.validation.JsonLimits;
import io.devsec.core.validation.Rule;
import io.devsec.core.validation.Rules;
import io.devsec.core.validation.Schema;
import io.devsec.core.validation.ValidationException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The device configuration file: a small, strict JSON document read through {@link ConfigFiles}. Unknown
 * fields, wrong types and over-long values are refused. Not API: {@code DeviceSecurity.Builder#configFile}
 * is.
 *
 * <pre>{@code
 * {"productName": "Acme Sensor",
 *  "alertTopic": "security/alerts",
 *  "disclosure": {"contacts": ["mailto:security@acme.example"], "expires": "2027-01-01T00:00:00Z",
 *                 "policy": "https://acme.example/security", "preferredLanguages": ["en"]},
 *  "purposes": [{"id": "location", "description": "room-level location", "processors": ["Acme Cloud"],
 *                "reason": "find the device in the app"}]}
 * }</pre>
 */
public final class DeviceConfig {
    /** Largest configuration file, in bytes. */
    public static final int MAX_BYTES = 64 * 1024;

    private static final Rule URL = Rules.pattern("(mailto:|https://)[^\\s\\x00-\\x1f]{1,500}", 512);
    private static final Rule HTTPS = Rules.pattern("https://[^\\s\\x00-\\x1f]{1,500}", 512);

    /** The schema of the file. */
    public static final Schema SCHEMA = Schema.of(Rules.object()
            .optional("productName", Rules.string(1, 64))
            .optional("alertTopic", Rules.pattern("[a-z0-9][a-z0-9_/-]{0,63}", 64))
            .optional("disclosure", Rules.object()
                    .required("contacts", Rules.arrayOf(URL, 1, 8))
                    .required("expires", Rules.instant())
                    .optional("policy", HTTPS)
                    .optional("encryption", HTTPS)
                    .optional("acknowledgments", HTTPS)
                    .optional("canonical", HTTPS)
                    .optional("preferredLanguages", Rules.arrayOf(Rules.pattern("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,3}", 35), 1, 8))
                    .build())
            .optional("purposes", Rules.arrayOf(Rules.object()
                    .required("id", Rules.pattern("[a-z][a-z0-9_.-]{0,63}", 64))
                    .required("description", Rules.string(1, 500))
                    .required("processors", Rules.arrayOf(Rules.string(1, 200), 1, 16))
                    .required("reason", Rules.string(1, 500))
                    .build(), 1, 32))
            .build(), JsonLimits.builder().maxDocumentBytes(MAX_BYTES).maxDepth(6).build());

    private final Optional<String> productName;
    private final Optional<String> alertTopic;
    private final Optional<DisclosurePolicy> disclosure;
    private final List<Purpose> purposes;

    private DeviceConfig(Optional<String> productName, Optional<String> alertTopic, Optional<DisclosurePolicy> disclosure,
            List<Purpose> purposes) {
        this.productName = productName;
        this.alertTopic = alertTopic;
        this.disclosure = disclosure;
        this.purposes = purposes;
    }

    /**
     * Reads and validates the file; values the schema accepts but the value builders refuse (an expiry in
     * the past, a duplicate purpose) are refused as {@link ValidationException.Reason#RULE_FAILED}.
     *
     * @throws ValidationException when the file breaks the schema or its limits
     * @throws IOException when it cannot be read
     */
    public static DeviceConfig read(Path file, Clock clock) throws IOException, ValidationException {
        JsonValue root = ConfigFiles.read(file, SCHEMA);
        Optional<String> productName = text(root, "productName");
        Optional<String> alertTopic = text(root, "alertTopic");
        Optional<DisclosurePolicy> disclosure = Optional.empty();
        Optional<JsonValue> disclosureField = root.get("disclosure");
        if (disclosureField.isPresent()) {
            JsonValue d = disclosureField.get();
            try {
                DisclosurePolicy.Builder b = DisclosurePolicy.builder().clock(clock)
                        .expires(Instant.parse(d.get("expires").get().asString()));
                for (JsonValue c : d.get("contacts").get().elements()) {
                    b.contact(c.asString());
                }
                text(d, "policy").ifPresent(b::policy);
                text(d, "encryption").ifPresent(b::encryption);
                text(d, "acknowledgments").ifPresent(b::acknowledgments);
                text(d, "canonical").ifPresent(b::canonical);
                for (JsonValue l : d.get("preferredLanguages").map(JsonValue::elements)
                        .orElse(Collections.<JsonValue>emptyList())) {
                    b.preferredLanguage(l.asString());
                }
                disclosure = Optional.of(b.build());
            } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                throw new ValidationException(ValidationException.Reason.RULE_FAILED, "$.disclosure",
                        "a valid disclosure policy (" + e.getMessage() + ")");
            }
        }
        List<Purpose> purposes = new ArrayList<>();
        Optional<JsonValue> purposesField = root.get("purposes");
        if (purposesField.isPresent()) {
            List<String> ids = new ArrayList<>();
            int i = 0;
            for (JsonValue p : purposesField.get().elements()) {
                String id = p.get("id").get().asString();
                if (ids.contains(id)) {
                    throw new ValidationException(ValidationException.Reason.RULE_FAILED, "$.purposes[" + i + "].id",
                            "a purpose id used once");
                }
                ids.add(id);
                try {
                    Purpose.Builder b = Purpose.builder(id).description(p.get("description").get().asString())
                            .reason(p.get("reason").get().asString());
                    for (JsonValue proc : p.get("processors").get().elements()) {
                        b.processor(proc.asString());
                    }
                    purposes.add(b.build());
                } catch (IllegalArgumentException e) {
                    throw new ValidationException(ValidationException.Reason.RULE_FAILED, "$.purposes[" + i + "]",
                            "a valid purpose (" + e.getMessage() + ")");
                }
                i++;
            }
        }
        return new DeviceConfig(productName, alertTopic, disclosure, Collections.unmodifiableList(purposes));
    }

    private static Optional<String> text(JsonValue node, String field) {
        return node.get(field).map(JsonValue::asString);
    }

    public Optional<String> productName() {
        return productName;
    }

    public Optional<String> alertTopic() {
        return alertTopic;
    }

    public Optional<DisclosurePolicy> disclosure() {
        return disclosure;
    }

    public List<Purpose> purposes() {
        return purposes;
    }
}
