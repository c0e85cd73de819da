package io.devsec.core.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The confirmation that personal data was deleted (EN 303 645 5.11-4): when, which keys were destroyed,
 * which items were removed and how many bytes they held. Immutable; names only, never content.
 */
public final class WipeReceipt {
    private final Instant instant;
    private final List<String> keysDestroyed;
    private final List<String> itemsRemoved;
    private final long filesRemoved;
    private final long bytesRemoved;
    private final int consentsCleared;
    private final int heldMessagesDropped;
    private final Map<String, WipeAction.Result> extraActions;
    private final List<String> failures;

    WipeReceipt(Instant instant, List<String> keysDestroyed, List<String> itemsRemoved, long filesRemoved,
            long bytesRemoved, int consentsCleared, int heldMessagesDropped, Map<String, WipeAction.Result> extraActions,
            List<String> failures) {
        this.instant = instant;
        this.keysDestroyed = Collections.unmodifiableList(new ArrayList<>(keysDestroyed));
        this.itemsRemoved = Collections.unmodifiableList(new ArrayList<>(itemsRemoved));
        this.filesRemoved = filesRemoved;
        this.bytesRemoved = bytesRemoved;
        this.consentsCleared = consentsCleared;
        this.heldMessagesDropped = heldMessagesDropped;
        this.extraActions = Collections.unmodifiableMap(new LinkedHashMap<>(extraActions));
        this.failures = Collections.unmodifiableList(new ArrayList<>(failures));
    }

    /** When the wipe ran (from the wipe's clock). */
    public Instant instant() {
        return instant;
    }

    /** The keystore entries destroyed: the personal-data key (crypto-erase), the consent records, extras. */
    public List<String> keysDestroyed() {
        return keysDestroyed;
    }

    /** Every removed item by name: personal data items, consent records, extra actions. */
    public List<String> itemsRemoved() {
        return itemsRemoved;
    }

    /** Files deleted under the personal data folder. */
    public long filesRemoved() {
        return filesRemoved;
    }

    /** Bytes removed: the deleted files plus what the extra actions reported. */
    public long bytesRemoved() {
        return bytesRemoved;
    }

    /** Consent records cleared (every purpose is {@link ConsentState#NOT_GIVEN} afterwards). */
    public int consentsCleared() {
        return consentsCleared;
    }

    /** Telemetry messages that the {@link ConsentGate} held and the wipe discarded. */
    public int heldMessagesDropped() {
        return heldMessagesDropped;
    }

    /** What each registered extra action removed, by action name, in registration order. */
    public Map<String, WipeAction.Result> extraActions() {
        return extraActions;
    }

    /** Steps that failed (empty in a receipt returned by a successful wipe). */
    public List<String> failures() {
        return failures;
    }

    /** The receipt as text for the consumer or a log. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("Personal data wiped at ").append(instant).append('\n');
        sb.append("Keys destroyed: ").append(keysDestroyed.isEmpty() ? "none" : String.join(", ", keysDestroyed)).append('\n');
        sb.append("Files removed: ").append(filesRemoved).append('\n');
        sb.append("Bytes removed: ").append(bytesRemoved).append('\n');
        sb.append("Consent records cleared: ").append(consentsCleared).append('\n');
        sb.append("Held messages discarded: ").append(heldMessagesDropped).append('\n');
        for (Map.Entry<String, WipeAction.Result> e : extraActions.entrySet()) {
            sb.append("Also removed (").append(e.getKey()).append("): ").append(e.getValue()).append('\n');
        }
        for (String f : failures) {
            sb.append("FAILED: ").append(f).append('\n');
        }
        sb.append("Device identity and firmware were kept.\n");
        return sb.toString();
    }

    /** The receipt as JSON. */
    public String json() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("instant", instant.toString());
        ArrayNode keys = o.putArray("keysDestroyed");
        keysDestroyed.forEach(keys::add);
        ArrayNode items = o.putArray("itemsRemoved");
        itemsRemoved.forEach(items::add);
        o.put("filesRemoved", filesRemoved);
        o.put("bytesRemoved", bytesRemoved);
        o.put("consentsCleared", consentsCleared);
        o.put("heldMessagesDropped", heldMessagesDropped);
        ObjectNode extra = o.putObject("extraActions");
        extraActions.forEach((k, v) -> extra.putObject(k).put("items", v.items()).put("bytes", v.bytes()));
        ArrayNode fails = o.putArray("failures");
        failures.forEach(fails::add);
        o.put("identityKept", true);
        return o.toString();
    }

    @Override
    public String toString() {
        return "WipeReceipt[" + instant + ", " + keysDestroyed.size() + " keys, " + filesRemoved + " files, "
                + bytesRemoved + " bytes" + (failures.isEmpty() ? "" : ", " + failures.size() + " failures") + "]";
    }
}
