package io.devsec.tools.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One component of a CycloneDX SBOM: name, group, version and package URL. */
final class Component {
    static final long MAX_SBOM_BYTES = 64L * 1024 * 1024;
    static final int MAX_COMPONENTS = 100_000;

    final String group;
    final String name;
    final String version;
    final Optional<Purl> purl;

    Component(String group, String name, String version, Optional<Purl> purl) {
        this.group = group;
        this.name = name;
        this.version = version;
        this.purl = purl;
    }

    /** {@code group:name} (or the name alone), as people read it. */
    String displayName() {
        if (purl.isPresent()) {
            return purl.get().osvName();
        }
        return group.isEmpty() ? name : group + ":" + name;
    }

    /** The version to check: the SBOM's {@code version}, else the purl's. */
    Optional<String> checkedVersion() {
        if (!version.isEmpty()) {
            return Optional.of(version);
        }
        return purl.map(p -> p.version);
    }

    /**
     * Reads the components of a CycloneDX JSON SBOM: {@code metadata.component} and every entry of
     * {@code components}, nested ones included; duplicates (same purl, or same group, name and version)
     * once.
     */
    static List<Component> readSbom(Path file) throws StrictJson.BadFileException {
        JsonNode root = StrictJson.read(file, MAX_SBOM_BYTES);
        if (!root.isObject() || !"CycloneDX".equals(root.path("bomFormat").asText())) {
            throw new StrictJson.BadFileException(file, "not a CycloneDX JSON SBOM (bomFormat must be \"CycloneDX\")");
        }
        JsonNode components = root.path("components");
        if (!components.isMissingNode() && !components.isArray()) {
            throw new StrictJson.BadFileException(file, "components must be an array");
        }
        Map<String, Component> out = new LinkedHashMap<>();
        JsonNode meta = root.path("metadata").path("component");
        if (meta.isObject()) {
            add(file, meta, out);
        }
        collect(file, components, out);
        return new ArrayList<>(out.values());
    }

    private static void collect(Path file, JsonNode array, Map<String, Component> out) throws StrictJson.BadFileException {
        if (!array.isArray()) {
            return;
        }
        for (JsonNode c : array) {
            if (!c.isObject()) {
                throw new StrictJson.BadFileException(file, "a component is not an object");
            }
            add(file, c, out);
            collect(file, c.path("components"), out);
        }
    }

    private static void add(Path file, JsonNode c, Map<String, Component> out) throws StrictJson.BadFileException {
        if (out.size() >= MAX_COMPONENTS) {
            throw new StrictJson.BadFileException(file, "more than " + MAX_COMPONENTS + " components");
        }
        String name = c.path("name").asText("");
        String group = c.path("group").asText("");
        String version = c.path("version").asText("");
        Optional<Purl> purl = Purl.parse(c.path("purl").asText(null));
        if (name.isEmpty() && !purl.isPresent()) {
            throw new StrictJson.BadFileException(file, "a component has neither name nor purl");
        }
        if (name.isEmpty()) {
            name = purl.get().name;
        }
        Component comp = new Component(group, name, version, purl);
        String key = purl.map(p -> p.coordinates() + "@" + comp.checkedVersion().orElse("")).orElse(group + ":" + name + "@" + version);
        out.putIfAbsent(key, comp);
    }
}
