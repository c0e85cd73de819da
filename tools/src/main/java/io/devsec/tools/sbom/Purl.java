package io.devsec.tools.sbom;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.Locale;
import java.util.Optional;

/**
 * A package URL ({@code pkg:type/namespace/name@version?qualifiers#subpath}) as packageurl-java parses
 * it, reduced to what matching needs: type, namespace, name and version.
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

    /** Parses a package URL with packageurl-java; empty when it is not a valid purl. */
    static Optional<Purl> parse(String s) {
        if (s == null || s.isEmpty()) {
            return Optional.empty();
        }
        try {
            PackageURL p = new PackageURL(s);
            String ns = p.getNamespace() == null ? "" : p.getNamespace();
            return Optional.of(new Purl(p.getType().toLowerCase(Locale.ROOT), ns, p.getName(), p.getVersion()));
        } catch (MalformedPackageURLException | RuntimeException e) {
            return Optional.empty();
        }
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
}
