package io.devsec.core.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What the application shows the consumer about personal data (provision 4.8): for each purpose, what
 * is processed, by whom, why, and whether the consumer consented (with when). A snapshot: immutable,
 * taken when {@link #of} is called.
 */
public final class DataUseStatement {
    private final String productName;
    private final List<Purpose> purposes;
    private final List<ConsentRecord> records;

    private DataUseStatement(String productName, List<Purpose> purposes, List<ConsentRecord> records) {
        this.productName = productName;
        this.purposes = Collections.unmodifiableList(new ArrayList<>(purposes));
        this.records = Collections.unmodifiableList(new ArrayList<>(records));
    }

    /** The statement for the product, with the registry's current consent states. */
    public static DataUseStatement of(String productName, ConsentRegistry registry) {
        Purpose.Builder.checkText("productName", productName);
        Objects.requireNonNull(registry, "registry");
        return new DataUseStatement(productName, registry.purposes(), registry.records());
    }

    public List<Purpose> purposes() {
        return purposes;
    }

    /** The consent records, in the order of {@link #purposes()}. */
    public List<ConsentRecord> consents() {
        return records;
    }

    /** The statement as plain text. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("How ").append(productName).append(" uses personal data\n\n");
        for (int i = 0; i < purposes.size(); i++) {
            Purpose p = purposes.get(i);
            ConsentRecord r = records.get(i);
            sb.append(i + 1).append(". ").append(p.id()).append('\n');
            sb.append("   What: ").append(p.description()).append('\n');
            sb.append("   Processed by: ").append(String.join("; ", p.processors())).append('\n');
            sb.append("   Why: ").append(p.reason()).append('\n');
            sb.append("   Your consent: ").append(consentText(r)).append("\n\n");
        }
        sb.append("You can give or withdraw consent for each purpose at any time. Until you consent, data for a\n"
                + "purpose is held on the device and not sent; after you withdraw, it is discarded.\n"
                + "You can delete all personal data on the device at any time (for example before passing it on).\n");
        return sb.toString();
    }

    /** The statement as JSON. */
    public String json() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("product", productName);
        ArrayNode arr = o.putArray("purposes");
        for (int i = 0; i < purposes.size(); i++) {
            Purpose p = purposes.get(i);
            ConsentRecord r = records.get(i);
            ObjectNode n = arr.addObject();
            n.put("id", p.id());
            n.put("description", p.description());
            ArrayNode proc = n.putArray("processors");
            p.processors().forEach(proc::add);
            n.put("reason", p.reason());
            n.put("consent", r.state().name());
            r.grantedAt().ifPresent(t -> n.put("grantedAt", t.toString()));
            r.withdrawnAt().ifPresent(t -> n.put("withdrawnAt", t.toString()));
        }
        return o.toString();
    }

    private static String consentText(ConsentRecord r) {
        switch (r.state()) {
            case GRANTED:
                return "given on " + r.grantedAt().map(Object::toString).orElse("?");
            case WITHDRAWN:
                return "withdrawn on " + r.withdrawnAt().map(Object::toString).orElse("?");
            default:
                return "not given";
        }
    }

    @Override
    public String toString() {
        return "DataUseStatement[" + productName + ", " + purposes.size() + " purposes]";
    }
}
