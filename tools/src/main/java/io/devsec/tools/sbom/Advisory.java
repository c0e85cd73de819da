package io.devsec.tools.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One OSV advisory (https://ossf.github.io/osv-schema/), reduced to what an offline SBOM check needs:
 * id, aliases, summary and the affected packages with their ranges and explicit versions.
 */
final class Advisory {
    static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
    static final int MAX_FILES = 200_000;

    final String id;
    final List<String> aliases;
    final String summary;
    final List<Affected> affected;

    Advisory(String id, List<String> aliases, String summary, List<Affected> affected) {
        this.id = id;
        this.aliases = aliases;
        this.summary = summary;
        this.affected = affected;
    }

    static final class Event {
        final String introduced;
        final String fixed;
        final String lastAffected;

        Event(String introduced, String fixed, String lastAffected) {
            this.introduced = introduced;
            this.fixed = fixed;
            this.lastAffected = lastAffected;
        }

        String version() {
            return introduced != null ? introduced : fixed != null ? fixed : lastAffected;
        }
    }

    static final class Range {
        final String type;
        final List<Event> events;

        Range(String type, List<Event> events) {
            this.type = type;
            this.events = events;
        }
    }

    static final class Affected {
        final String ecosystem;
        final String name;
        final Optional<Purl> purl;
        final List<Range> ranges;
        final List<String> versions;

        Affected(String ecosystem, String name, Optional<Purl> purl, List<Range> ranges, List<String> versions) {
            this.ecosystem = ecosystem;
            this.name = name;
            this.purl = purl;
            this.ranges = ranges;
            this.versions = versions;
        }
    }

    /** A single OSV object, a JSON array of them, or a folder of {@code .json} files holding either. */
    static List<Advisory> load(Path path) throws StrictJson.BadFileException {
        List<Advisory> out = new ArrayList<>();
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(path, 8)) {
                files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"))
                        .filter(Files::isRegularFile).sorted().limit(MAX_FILES + 1L).collect(Collectors.toList());
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new StrictJson.BadFileException(path, "folder cannot be read: " + e.getMessage());
            }
            if (files.size() > MAX_FILES) {
                throw new StrictJson.BadFileException(path, "more than " + MAX_FILES + " advisory files");
            }
            if (files.isEmpty()) {
                throw new StrictJson.BadFileException(path, "holds no .json advisory files");
            }
            for (Path f : files) {
                parseInto(f, StrictJson.read(f, MAX_FILE_BYTES), out);
            }
        } else {
            parseInto(path, StrictJson.read(path, MAX_FILE_BYTES), out);
        }
        return out;
    }

    private static void parseInto(Path file, JsonNode n, List<Advisory> out) throws StrictJson.BadFileException {
        if (n.isArray()) {
            for (JsonNode a : n) {
                out.add(parse(file, a));
            }
        } else {
            out.add(parse(file, n));
        }
    }

    static Advisory parse(Path file, JsonNode n) throws StrictJson.BadFileException {
        if (!n.isObject()) {
            throw new StrictJson.BadFileException(file, "an advisory is not a JSON object");
        }
        String id = text(n, "id");
        if (id == null || id.isEmpty()) {
            throw new StrictJson.BadFileException(file, "an advisory has no id");
        }
        List<String> aliases = new ArrayList<>();
        for (JsonNode a : array(file, n, "aliases")) {
            aliases.add(a.asText());
        }
        String summary = text(n, "summary");
        if (summary == null) {
            String details = text(n, "details");
            summary = details == null ? "" : details.split("\n", 2)[0];
        }
        List<Affected> affected = new ArrayList<>();
        for (JsonNode a : array(file, n, "affected")) {
            JsonNode pkg = a.path("package");
            String eco = pkg.path("ecosystem").asText("");
            String name = pkg.path("name").asText("");
            Optional<Purl> purl = Purl.parse(pkg.path("purl").asText(null));
            List<Range> ranges = new ArrayList<>();
            for (JsonNode r : array(file, a, "ranges")) {
                String type = r.path("type").asText("");
                List<Event> events = new ArrayList<>();
                for (JsonNode e : array(file, r, "events")) {
                    Event ev = new Event(text(e, "introduced"), text(e, "fixed"), text(e, "last_affected"));
                    if (ev.version() != null) {
                        events.add(ev); // "limit" events only bound GIT ranges
                    }
                }
                ranges.add(new Range(type, events));
            }
            List<String> versions = new ArrayList<>();
            for (JsonNode v : array(file, a, "versions")) {
                versions.add(v.asText());
            }
            affected.add(new Affected(eco, name, purl, ranges, versions));
        }
        return new Advisory(id, Collections.unmodifiableList(aliases), summary, affected);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Iterable<JsonNode> array(Path file, JsonNode n, String field) throws StrictJson.BadFileException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return Collections.emptyList();
        }
        if (!v.isArray()) {
            throw new StrictJson.BadFileException(file, "'" + field + "' must be an array");
        }
        return v;
    }

    /** Whether {@code a} names the component's package. */
    static boolean samePackage(Affected a, Component c) {
        if (c.purl.isPresent()) {
            Purl p = c.purl.get();
            if (a.purl.isPresent()) {
                return a.purl.get().coordinates().equalsIgnoreCase(p.coordinates());
            }
            Optional<String> eco = p.ecosystem();
            if (!eco.isPresent() || !eco.get().equalsIgnoreCase(baseEcosystem(a.ecosystem))) {
                return false;
            }
            String name = eco.get().equals("PyPI") ? Purl.normalizePypi(a.name) : a.name;
            return name.equals(p.osvName());
        }
        return a.name.equals(c.displayName());
    }

    /** OSV ecosystems may carry a suffix such as {@code Debian:12}; the base is before the colon. */
    static String baseEcosystem(String ecosystem) {
        int colon = ecosystem.indexOf(':');
        return colon < 0 ? ecosystem : ecosystem.substring(0, colon);
    }

    /**
     * The version order for a range: SemVer for SEMVER ranges, Maven's own order (ComparableVersion) for
     * ECOSYSTEM ranges of the Maven ecosystem. Empty otherwise: an ECOSYSTEM range of another ecosystem
     * (npm, PyPI, Debian, ...) has that ecosystem's own order, which is not Maven's, and GIT ranges name
     * commits; neither can be decided here.
     */
    static Optional<Comparator<String>> order(String rangeType, String ecosystem) {
        if ("SEMVER".equals(rangeType)) {
            return Optional.of(SemVer.ORDER);
        }
        if ("ECOSYSTEM".equals(rangeType) && "Maven".equalsIgnoreCase(baseEcosystem(ecosystem))) {
            return Optional.of(MavenVersion.ORDER);
        }
        return Optional.empty();
    }

    /**
     * Whether {@code version} falls in the range, by the OSV evaluation: events sorted by version
     * ({@code introduced: "0"} lowest); introduced at or below turns affected on, fixed at or below or
     * last_affected strictly below turns it off.
     */
    static boolean inRange(String version, Range range, Comparator<String> order) {
        Comparator<Event> byVersion = (x, y) -> {
            boolean zx = "0".equals(x.introduced);
            boolean zy = "0".equals(y.introduced);
            if (zx || zy) {
                return zx == zy ? 0 : zx ? -1 : 1;
            }
            return order.compare(x.version(), y.version());
        };
        List<Event> sorted = new ArrayList<>(range.events);
        sorted.sort(byVersion);
        boolean affected = false;
        for (Event e : sorted) {
            if (e.introduced != null) {
                if ("0".equals(e.introduced) || order.compare(version, e.introduced) >= 0) {
                    affected = true;
                }
            } else if (e.fixed != null) {
                if (order.compare(version, e.fixed) >= 0) {
                    affected = false;
                }
            } else if (e.lastAffected != null) {
                if (order.compare(version, e.lastAffected) > 0) {
                    affected = false;
                }
            }
        }
        return affected;
    }

    /** The lowest fixed version above {@code version} in the range, if the range names one. */
    static Optional<String> fixedAbove(String version, Range range, Comparator<String> order) {
        return range.events.stream().filter(e -> e.fixed != null).map(e -> e.fixed)
                .filter(f -> order.compare(f, version) > 0).min(order);
    }
}
