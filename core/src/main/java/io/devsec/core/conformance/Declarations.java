package io.devsec.core.conformance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What only the manufacturer can know, as declared in a declarations file: who makes the product, who declared
 * and when, the Table B.1 conditions, the vulnerability handling timescales, the support period, the secure
 * development process, SBOM monitoring, statements on provisions the SDK cannot see, and justifications for
 * recommendations not met.
 *
 * <p>The file format is JSON described by the JSON Schema {@code /io/devsec/core/conformance/declarations.schema.json}
 * (a resource of this module). {@link #parse(InputStream)} is strict: unknown fields, duplicate fields, wrong
 * types, malformed dates and URLs, and provision references EN 303 645 V2.1.1 does not have are refused with
 * a {@link DeclarationsException} naming the JSON path.
 *
 * <p>Every absent input is {@link Optional#empty()}: the rows that need it are not assessed, never supported.
 * Immutable and thread-safe.
 */
public final class Declarations {

    /** The only schema version this SDK reads. */
    public static final int SCHEMA_VERSION = 1;

    /** Where the JSON Schema of the file is, as a class-path resource. */
    public static final String SCHEMA_RESOURCE = "/io/devsec/core/conformance/declarations.schema.json";

    private static final int MAX_BYTES = 1 << 20;
    private static final int MAX_TEXT = 4000;

    /** A manufacturer's statement on one provision. */
    public static final class ProvisionStatement {
        private final boolean met;
        private final String detail;

        ProvisionStatement(boolean met, String detail) {
            this.met = met;
            this.detail = Objects.requireNonNull(detail, "detail");
        }

        /** @return whether the manufacturer states the provision is met */
        public boolean met() {
            return met;
        }

        /** @return how it is met, or why not */
        public String detail() {
            return detail;
        }
    }

    private final String manufacturerName;
    private final Optional<String> manufacturerAddress;
    private final String productName;
    private final Optional<String> productModel;
    private final String declaredByName;
    private final Optional<String> declaredByRole;
    private final LocalDate declaredOn;
    private final Map<Condition, Boolean> conditions;
    private final Optional<Integer> acknowledgementDays;
    private final Optional<Integer> statusUpdateDays;
    private final Optional<Integer> fixTargetDays;
    private final Optional<String> vulnerabilityPolicyUrl;
    private final Optional<LocalDate> supportPeriodEnd;
    private final Optional<String> endOfLifePolicyUrl;
    private final Optional<String> secureDevelopmentProcess;
    private final Optional<String> sbom;
    private final Optional<String> sbomMonitoredBy;
    private final Map<String, ProvisionStatement> provisions;
    private final Map<String, String> justifications;
    private final Map<V3Condition, Boolean> en303645v3Features;

    private Declarations(Builder b) {
        manufacturerName = b.manufacturerName;
        manufacturerAddress = Optional.ofNullable(b.manufacturerAddress);
        productName = b.productName;
        productModel = Optional.ofNullable(b.productModel);
        declaredByName = b.declaredByName;
        declaredByRole = Optional.ofNullable(b.declaredByRole);
        declaredOn = b.declaredOn;
        conditions = Collections.unmodifiableMap(new EnumMap<>(b.conditions));
        acknowledgementDays = Optional.ofNullable(b.acknowledgementDays);
        statusUpdateDays = Optional.ofNullable(b.statusUpdateDays);
        fixTargetDays = Optional.ofNullable(b.fixTargetDays);
        vulnerabilityPolicyUrl = Optional.ofNullable(b.vulnerabilityPolicyUrl);
        supportPeriodEnd = Optional.ofNullable(b.supportPeriodEnd);
        endOfLifePolicyUrl = Optional.ofNullable(b.endOfLifePolicyUrl);
        secureDevelopmentProcess = Optional.ofNullable(b.secureDevelopmentProcess);
        sbom = Optional.ofNullable(b.sbom);
        sbomMonitoredBy = Optional.ofNullable(b.sbomMonitoredBy);
        provisions = Collections.unmodifiableMap(new LinkedHashMap<>(b.provisions));
        justifications = Collections.unmodifiableMap(new LinkedHashMap<>(b.justifications));
        en303645v3Features = Collections.unmodifiableMap(new EnumMap<>(b.en303645v3Features));
    }

    /**
     * Starts declarations with the three inputs every file must have.
     *
     * @param manufacturerName the manufacturer's name
     * @param productName the product's name
     * @param declaredByName who declared (a person or function)
     * @param declaredOn when
     * @return a builder
     */
    public static Builder builder(String manufacturerName, String productName, String declaredByName,
            LocalDate declaredOn) {
        return new Builder(manufacturerName, productName, declaredByName, declaredOn);
    }

    /**
     * A builder starting from these values: {@code x.toBuilder().build()} equals {@code x}, and a setter
     * changes only its own field.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder(manufacturerName, productName, declaredByName, declaredOn);
        b.manufacturerAddress = manufacturerAddress.orElse(null);
        b.productModel = productModel.orElse(null);
        b.declaredByRole = declaredByRole.orElse(null);
        b.conditions.putAll(conditions);
        b.acknowledgementDays = acknowledgementDays.orElse(null);
        b.statusUpdateDays = statusUpdateDays.orElse(null);
        b.fixTargetDays = fixTargetDays.orElse(null);
        b.vulnerabilityPolicyUrl = vulnerabilityPolicyUrl.orElse(null);
        b.supportPeriodEnd = supportPeriodEnd.orElse(null);
        b.endOfLifePolicyUrl = endOfLifePolicyUrl.orElse(null);
        b.secureDevelopmentProcess = secureDevelopmentProcess.orElse(null);
        b.sbom = sbom.orElse(null);
        b.sbomMonitoredBy = sbomMonitoredBy.orElse(null);
        b.provisions.putAll(provisions);
        b.justifications.putAll(justifications);
        return b;
    }

    /**
     * Reads and validates a declarations file.
     *
     * @param file the JSON file
     * @return the declarations
     * @throws DeclarationsException when the file is refused; the message names the JSON path
     * @throws IOException when it cannot be read
     */
    public static Declarations parse(Path file) throws DeclarationsException, IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new DeclarationsException("$", "the file is larger than " + MAX_BYTES + " bytes");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        }
    }

    /**
     * Reads and validates declarations from a stream (not closed).
     *
     * @param in the JSON document
     * @return the declarations
     * @throws DeclarationsException when the document is refused; the message names the JSON path
     * @throws IOException when it cannot be read
     */
    public static Declarations parse(InputStream in) throws DeclarationsException, IOException {
        ObjectMapper mapper = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        JsonNode root;
        try {
            root = mapper.readTree(in);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            throw new DeclarationsException("$", "not valid JSON: " + (msg.length() > 200 ? msg.substring(0, 200) : msg));
        }
        if (root == null || !root.isObject()) {
            throw new DeclarationsException("$", "must be a JSON object");
        }
        return new Reader().read(root);
    }

    /** @return the manufacturer's name */
    public String manufacturerName() {
        return manufacturerName;
    }

    /** @return the manufacturer's address */
    public Optional<String> manufacturerAddress() {
        return manufacturerAddress;
    }

    /** @return the product's name */
    public String productName() {
        return productName;
    }

    /** @return the product's model designation (EN 303 645 5.3-16) */
    public Optional<String> productModel() {
        return productModel;
    }

    /** @return who declared */
    public String declaredByName() {
        return declaredByName;
    }

    /** @return their role */
    public Optional<String> declaredByRole() {
        return declaredByRole;
    }

    /** @return when they declared */
    public LocalDate declaredOn() {
        return declaredOn;
    }

    /** @return who declared, their role and when, e.g. "J. Doe (Head of Security), 2026-11-30" */
    public String declarant() {
        return declaredByName + declaredByRole.map(r -> " (" + r + ")").orElse("") + ", " + declaredOn;
    }

    /**
     * A declared condition.
     *
     * @param condition the condition (3 and 5 are never declared: they follow from 12 and 4)
     * @return its declared value, empty when not declared
     */
    public Optional<Boolean> condition(Condition condition) {
        return Optional.ofNullable(conditions.get(condition));
    }

    /**
     * A declared EN 303 645 V3.1.3 condition or feature (the {@code en303645v3Features} object).
     *
     * @param condition the numbered condition or lettered feature
     * @return its declared value, empty when not declared
     */
    public Optional<Boolean> en303645v3Feature(V3Condition condition) {
        return Optional.ofNullable(en303645v3Features.get(condition));
    }

    /** @return every declared EN 303 645 V3.1.3 condition and feature; unmodifiable */
    public Map<V3Condition, Boolean> en303645v3Features() {
        return en303645v3Features;
    }

    /** @return days within which a vulnerability report is acknowledged */
    public Optional<Integer> acknowledgementDays() {
        return acknowledgementDays;
    }

    /** @return days between status updates until a reported issue is resolved */
    public Optional<Integer> statusUpdateDays() {
        return statusUpdateDays;
    }

    /** @return the target in days to ship a fix for a confirmed vulnerability */
    public Optional<Integer> fixTargetDays() {
        return fixTargetDays;
    }

    /** @return the published vulnerability disclosure policy's URL */
    public Optional<String> vulnerabilityPolicyUrl() {
        return vulnerabilityPolicyUrl;
    }

    /** @return the last day of the defined support period */
    public Optional<LocalDate> supportPeriodEnd() {
        return supportPeriodEnd;
    }

    /** @return where the end-of-life policy is published */
    public Optional<String> endOfLifePolicyUrl() {
        return endOfLifePolicyUrl;
    }

    /** @return the secure development process followed */
    public Optional<String> secureDevelopmentProcess() {
        return secureDevelopmentProcess;
    }

    /** @return where the product's SBOM is */
    public Optional<String> sbom() {
        return sbom;
    }

    /** @return how the SBOM's components are monitored for vulnerabilities */
    public Optional<String> sbomMonitoredBy() {
        return sbomMonitoredBy;
    }

    /**
     * The manufacturer's statement on one provision.
     *
     * @param reference an EN 303 645 V2.1.1 reference, e.g. {@code "5.6-4"}
     * @return the statement, if declared
     */
    public Optional<ProvisionStatement> provision(String reference) {
        return Optional.ofNullable(provisions.get(reference));
    }

    /** @return every provision statement, by reference; unmodifiable */
    public Map<String, ProvisionStatement> provisions() {
        return provisions;
    }

    /**
     * The justification recorded for a recommendation not met or not applicable (EN 303 645 4-1).
     *
     * @param reference an EN 303 645 V2.1.1 reference
     * @return the justification, if recorded
     */
    public Optional<String> justification(String reference) {
        return Optional.ofNullable(justifications.get(reference));
    }

    /** @return every justification, by reference; unmodifiable */
    public Map<String, String> justifications() {
        return justifications;
    }

    @Override
    public String toString() {
        return "Declarations{" + manufacturerName + " / " + productName + ", " + declarant() + "}";
    }

    /** Whether the reference is an EN 303 645 V2.1.1 or V3.1.3 provision. */
    static boolean known(String reference) {
        return EnProvision.byReference(reference).isPresent() || En303645V3Provision.byReference(reference).isPresent();
    }

    /** Builds {@link Declarations}. Not thread-safe. */
    public static final class Builder {
        private final String manufacturerName;
        private final String productName;
        private final String declaredByName;
        private final LocalDate declaredOn;
        private String manufacturerAddress;
        private String productModel;
        private String declaredByRole;
        private final Map<Condition, Boolean> conditions = new EnumMap<>(Condition.class);
        private Integer acknowledgementDays;
        private Integer statusUpdateDays;
        private Integer fixTargetDays;
        private String vulnerabilityPolicyUrl;
        private LocalDate supportPeriodEnd;
        private String endOfLifePolicyUrl;
        private String secureDevelopmentProcess;
        private String sbom;
        private String sbomMonitoredBy;
        private final Map<String, ProvisionStatement> provisions = new LinkedHashMap<>();
        private final Map<String, String> justifications = new LinkedHashMap<>();
        private final Map<V3Condition, Boolean> en303645v3Features = new EnumMap<>(V3Condition.class);

        private Builder(String manufacturerName, String productName, String declaredByName, LocalDate declaredOn) {
            this.manufacturerName = Objects.requireNonNull(manufacturerName, "manufacturerName");
            this.productName = Objects.requireNonNull(productName, "productName");
            this.declaredByName = Objects.requireNonNull(declaredByName, "declaredByName");
            this.declaredOn = Objects.requireNonNull(declaredOn, "declaredOn");
        }

        /** @param address the manufacturer's address @return this builder */
        public Builder manufacturerAddress(String address) {
            this.manufacturerAddress = address;
            return this;
        }

        /** @param model the model designation @return this builder */
        public Builder productModel(String model) {
            this.productModel = model;
            return this;
        }

        /** @param role the declarant's role @return this builder */
        public Builder declaredByRole(String role) {
            this.declaredByRole = role;
            return this;
        }

        /**
         * Declares a condition.
         *
         * @param condition the condition
         * @param applies whether it applies to the product
         * @return this builder
         * @throws IllegalArgumentException for conditions 3 and 5, which follow from 12 and 4
         */
        public Builder condition(Condition condition, boolean applies) {
            if (condition.key() == null) {
                throw new IllegalArgumentException("Condition " + condition.number() + " follows from another;"
                        + " declare condition " + (condition == Condition.SOFTWARE_NOT_UPDATEABLE ? 12 : 4));
            }
            conditions.put(condition, applies);
            return this;
        }

        /**
         * The vulnerability handling timescales.
         *
         * @param acknowledgementDays days to acknowledge a report
         * @param statusUpdateDays days between status updates
         * @return this builder
         */
        public Builder vulnerabilityHandling(int acknowledgementDays, int statusUpdateDays) {
            this.acknowledgementDays = positive(acknowledgementDays, "acknowledgementDays");
            this.statusUpdateDays = positive(statusUpdateDays, "statusUpdateDays");
            return this;
        }

        /** @param days the fix target in days @return this builder */
        public Builder fixTargetDays(int days) {
            this.fixTargetDays = positive(days, "fixTargetDays");
            return this;
        }

        /** @param url the disclosure policy URL @return this builder */
        public Builder vulnerabilityPolicyUrl(String url) {
            this.vulnerabilityPolicyUrl = url;
            return this;
        }

        /**
         * The defined support period.
         *
         * @param endDate its last day
         * @param endOfLifePolicyUrl where the end-of-life policy is published
         * @return this builder
         */
        public Builder supportPeriod(LocalDate endDate, String endOfLifePolicyUrl) {
            this.supportPeriodEnd = Objects.requireNonNull(endDate, "endDate");
            this.endOfLifePolicyUrl = Objects.requireNonNull(endOfLifePolicyUrl, "endOfLifePolicyUrl");
            return this;
        }

        /** @param process the secure development process @return this builder */
        public Builder secureDevelopmentProcess(String process) {
            this.secureDevelopmentProcess = process;
            return this;
        }

        /**
         * SBOM monitoring.
         *
         * @param sbom where the SBOM is
         * @param monitoredBy how its components are monitored
         * @return this builder
         */
        public Builder sbomMonitoring(String sbom, String monitoredBy) {
            this.sbom = Objects.requireNonNull(sbom, "sbom");
            this.sbomMonitoredBy = Objects.requireNonNull(monitoredBy, "monitoredBy");
            return this;
        }

        /**
         * A statement on one provision.
         *
         * @param reference an EN 303 645 V2.1.1 reference
         * @param met whether it is met
         * @param detail how, or why not
         * @return this builder
         * @throws IllegalArgumentException when the reference is neither an EN 303 645 V2.1.1 nor a V3.1.3
         *     provision
         */
        public Builder provision(String reference, boolean met, String detail) {
            requireReference(reference);
            provisions.put(reference, new ProvisionStatement(met, detail));
            return this;
        }

        /**
         * A justification for a recommendation not met or not applicable.
         *
         * @param reference an EN 303 645 V2.1.1 reference
         * @param justification why
         * @return this builder
         * @throws IllegalArgumentException when the reference is neither an EN 303 645 V2.1.1 nor a V3.1.3
         *     provision
         */
        public Builder justification(String reference, String justification) {
            requireReference(reference);
            justifications.put(reference, Objects.requireNonNull(justification, "justification"));
            return this;
        }

        /**
         * Declares an EN 303 645 V3.1.3 numbered condition or feature.
         *
         * @param condition the condition or feature
         * @param applies whether it applies to the product
         * @return this builder
         */
        public Builder en303645v3Feature(V3Condition condition, boolean applies) {
            en303645v3Features.put(Objects.requireNonNull(condition, "condition"), applies);
            return this;
        }

        private static void requireReference(String reference) {
            if (!known(reference)) {
                throw new IllegalArgumentException("EN 303 645 V2.1.1 and V3.1.3 have no provision " + reference);
            }
        }

        private static Integer positive(int v, String name) {
            if (v < 1 || v > 3650) {
                throw new IllegalArgumentException(name + " must be 1 to 3650 days, not " + v);
            }
            return v;
        }

        /** @return the declarations */
        public Declarations build() {
            return new Declarations(this);
        }
    }

    /** Walks the JSON tree, refusing anything the schema does not allow, with the path. */
    private static final class Reader {

        Declarations read(JsonNode root) throws DeclarationsException {
            fields(root, "$", "$schema", "schemaVersion", "manufacturer", "product", "declaredBy", "conditions",
                    "vulnerabilityHandling", "supportPeriod", "secureDevelopmentProcess", "sbomMonitoring",
                    "provisions", "justifications", "en303645v3Features");
            if (root.has("$schema")) {
                text(root, "$", "$schema", true);
            }
            JsonNode version = required(root, "$", "schemaVersion");
            if (!version.isInt() || version.intValue() != SCHEMA_VERSION) {
                throw new DeclarationsException("$.schemaVersion", "must be the integer " + SCHEMA_VERSION);
            }
            JsonNode m = object(required(root, "$", "manufacturer"), "$.manufacturer");
            fields(m, "$.manufacturer", "name", "address");
            JsonNode p = object(required(root, "$", "product"), "$.product");
            fields(p, "$.product", "name", "model");
            JsonNode d = object(required(root, "$", "declaredBy"), "$.declaredBy");
            fields(d, "$.declaredBy", "name", "role", "date");
            Builder b = builder(text(m, "$.manufacturer", "name", true), text(p, "$.product", "name", true),
                    text(d, "$.declaredBy", "name", true), date(d, "$.declaredBy", "date", true));
            b.manufacturerAddress(text(m, "$.manufacturer", "address", false));
            b.productModel(text(p, "$.product", "model", false));
            b.declaredByRole(text(d, "$.declaredBy", "role", false));
            if (root.has("conditions")) {
                JsonNode c = object(root.get("conditions"), "$.conditions");
                for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    Condition cond = Condition.byKey(e.getKey());
                    String path = "$.conditions." + e.getKey();
                    if (cond == null) {
                        throw new DeclarationsException(path, "unknown condition");
                    }
                    if (!e.getValue().isBoolean()) {
                        throw new DeclarationsException(path, "must be true or false");
                    }
                    b.condition(cond, e.getValue().booleanValue());
                }
            }
            if (root.has("en303645v3Features")) {
                JsonNode c = object(root.get("en303645v3Features"), "$.en303645v3Features");
                for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    V3Condition cond = V3Condition.byKey(e.getKey());
                    String path = "$.en303645v3Features." + e.getKey();
                    if (cond == null) {
                        throw new DeclarationsException(path, "unknown EN 303 645 V3.1.3 condition or feature");
                    }
                    if (!e.getValue().isBoolean()) {
                        throw new DeclarationsException(path, "must be true or false");
                    }
                    b.en303645v3Feature(cond, e.getValue().booleanValue());
                }
            }
            if (root.has("vulnerabilityHandling")) {
                String path = "$.vulnerabilityHandling";
                JsonNode v = object(root.get("vulnerabilityHandling"), path);
                fields(v, path, "acknowledgementDays", "statusUpdateDays", "fixTargetDays", "policyUrl");
                b.acknowledgementDays = days(v, path, "acknowledgementDays");
                b.statusUpdateDays = days(v, path, "statusUpdateDays");
                b.fixTargetDays = days(v, path, "fixTargetDays");
                b.vulnerabilityPolicyUrl = url(v, path, "policyUrl", false);
            }
            if (root.has("supportPeriod")) {
                String path = "$.supportPeriod";
                JsonNode s = object(root.get("supportPeriod"), path);
                fields(s, path, "endDate", "endOfLifePolicyUrl");
                b.supportPeriodEnd = date(s, path, "endDate", true);
                b.endOfLifePolicyUrl = url(s, path, "endOfLifePolicyUrl", true);
            }
            b.secureDevelopmentProcess(text(root, "$", "secureDevelopmentProcess", false));
            if (root.has("sbomMonitoring")) {
                String path = "$.sbomMonitoring";
                JsonNode s = object(root.get("sbomMonitoring"), path);
                fields(s, path, "sbom", "monitoredBy");
                b.sbomMonitoring(text(s, path, "sbom", true), text(s, path, "monitoredBy", true));
            }
            if (root.has("provisions")) {
                JsonNode ps = object(root.get("provisions"), "$.provisions");
                for (Iterator<Map.Entry<String, JsonNode>> it = ps.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String path = "$.provisions." + e.getKey();
                    reference(e.getKey(), path);
                    JsonNode s = object(e.getValue(), path);
                    fields(s, path, "met", "detail");
                    JsonNode met = required(s, path, "met");
                    if (!met.isBoolean()) {
                        throw new DeclarationsException(path + ".met", "must be true or false");
                    }
                    b.provision(e.getKey(), met.booleanValue(), text(s, path, "detail", true));
                }
            }
            if (root.has("justifications")) {
                JsonNode js = object(root.get("justifications"), "$.justifications");
                for (Iterator<Map.Entry<String, JsonNode>> it = js.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String path = "$.justifications." + e.getKey();
                    reference(e.getKey(), path);
                    b.justification(e.getKey(), text(js, "$.justifications", e.getKey(), true));
                }
            }
            return b.build();
        }

        private static void reference(String ref, String path) throws DeclarationsException {
            if (!known(ref)) {
                throw new DeclarationsException(path, "EN 303 645 V2.1.1 and V3.1.3 have no provision " + ref);
            }
        }

        private static JsonNode required(JsonNode node, String path, String field) throws DeclarationsException {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                throw new DeclarationsException(path + "." + field, "is required");
            }
            return v;
        }

        private static JsonNode object(JsonNode node, String path) throws DeclarationsException {
            if (!node.isObject()) {
                throw new DeclarationsException(path, "must be an object");
            }
            return node;
        }

        private static void fields(JsonNode node, String path, String... allowed) throws DeclarationsException {
            Set<String> ok = new HashSet<>(Arrays.asList(allowed));
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!ok.contains(f)) {
                    throw new DeclarationsException(path + "." + f, "unknown field");
                }
            }
        }

        private static String text(JsonNode node, String path, String field, boolean required)
                throws DeclarationsException {
            JsonNode v = required ? required(node, path, field) : node.get(field);
            if (v == null) {
                return null;
            }
            if (!v.isTextual() || v.textValue().trim().isEmpty()) {
                throw new DeclarationsException(path + "." + field, "must be a non-empty string");
            }
            if (v.textValue().length() > MAX_TEXT) {
                throw new DeclarationsException(path + "." + field, "is longer than " + MAX_TEXT + " characters");
            }
            return v.textValue();
        }

        private static LocalDate date(JsonNode node, String path, String field, boolean required)
                throws DeclarationsException {
            String t = text(node, path, field, required);
            if (t == null) {
                return null;
            }
            try {
                if (t.length() != 10) {
                    throw new DateTimeParseException("not YYYY-MM-DD", t, 0);
                }
                return LocalDate.parse(t);
            } catch (DateTimeParseException e) {
                throw new DeclarationsException(path + "." + field, "must be a date YYYY-MM-DD");
            }
        }

        private static String url(JsonNode node, String path, String field, boolean required)
                throws DeclarationsException {
            String t = text(node, path, field, required);
            if (t == null) {
                return null;
            }
            try {
                URI u = new URI(t);
                if (!"https".equals(u.getScheme()) || u.getHost() == null) {
                    throw new DeclarationsException(path + "." + field, "must be an absolute https URL");
                }
            } catch (URISyntaxException e) {
                throw new DeclarationsException(path + "." + field, "must be an absolute https URL");
            }
            return t;
        }

        private static Integer days(JsonNode node, String path, String field) throws DeclarationsException {
            JsonNode v = node.get(field);
            if (v == null) {
                return null;
            }
            if (!v.isInt() || v.intValue() < 1 || v.intValue() > 3650) {
                throw new DeclarationsException(path + "." + field, "must be an integer from 1 to 3650 (days)");
            }
            return v.intValue();
        }
    }
}
