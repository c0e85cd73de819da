package io.devsec.tools.sbom;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * A package URL ({@code pkg:type/namespace/name@version?qualifiers#subpath}), reduced to what matching
 * needs: type, namespace, name and version, percent-decoded.
 */
final class Purl {
    final String type;
    final String namespace;
    final String name;
    final String version;

    private Purl(String type, String namespace, String name, String version) {
        this.type = type;
        this.namespace = namespace;
        this.name = name;
        this.version = version;
    }

    static Optional<Purl> parse(String s) {
        if (s == null || !s.regionMatches(true, 0, "pkg:", 0, 4)) {
            return Optional.empty();
        }
        String rest = s.substring(4);
        while (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        String version = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0 && at > rest.lastIndexOf('/')) {
            version = decode(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        String type = rest.substring(0, slash).toLowerCase(Locale.ROOT);
        String path = rest.substring(slash + 1);
        int last = path.lastIndexOf('/');
        String namespace = last < 0 ? "" : decodePath(path.substring(0, last));
        String name = decode(last < 0 ? path : path.substring(last + 1));
        if (name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Purl(type, namespace, name, version));
    }

    /** The OSV ecosystem of this purl type, when OSV has one. */
    Optional<String> ecosystem() {
        switch (type) {
            case "maven": return Optional.of("Maven");
            case "npm": return Optional.of("npm");
            case "pypi": return Optional.of("PyPI");
            case "golang": return Optional.of("Go");
            case "cargo": return Optional.of("crates.io");
            case "nuget": return Optional.of("NuGet");
            case "gem": return Optional.of("RubyGems");
            case "composer": return Optional.of("Packagist");
            case "hex": return Optional.of("Hex");
            case "pub": return Optional.of("Pub");
            default: return Optional.empty();
        }
    }

    /** The package name as OSV writes it for this ecosystem. */
    String osvName() {
        switch (type) {
            case "maven":
                return namespace + ":" + name;
            case "npm":
                return namespace.isEmpty() ? name : namespace + "/" + name;
            case "golang":
            case "composer":
                return namespace.isEmpty() ? name : namespace + "/" + name;
            case "pypi":
                return normalizePypi(name);
            default:
                return name;
        }
    }

    /** Type, namespace and name without version, for comparing two purls. */
    String coordinates() {
        String n = type.equals("pypi") ? normalizePypi(name) : name;
        return type + "/" + namespace + "/" + n;
    }

    static String normalizePypi(String n) {
        return n.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    private static String decodePath(String p) {
        String[] parts = p.split("/");
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(decode(part));
        }
        return sb.toString();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
