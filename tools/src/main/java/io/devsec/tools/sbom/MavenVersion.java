package io.devsec.tools.sbom;

import java.util.Comparator;
import org.apache.maven.artifact.versioning.ComparableVersion;

/** Maven's version order, from Maven itself ({@code org.apache.maven:maven-artifact}'s ComparableVersion). */
final class MavenVersion {
    /** Orders Maven version strings as Maven resolves them. */
    static final Comparator<String> ORDER = (a, b) -> new ComparableVersion(a).compareTo(new ComparableVersion(b));

    private MavenVersion() {
    }
}
