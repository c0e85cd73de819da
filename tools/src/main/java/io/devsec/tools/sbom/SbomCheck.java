package io.devsec.tools.sbom;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Matches SBOM components against OSV advisories, offline (provision 4.2: monitor components for
 * vulnerabilities over the product's life).
 *
 * <p>A component is affected by an advisory when one of its {@code affected} entries names the
 * component's package (by purl, or by ecosystem and name) and the component's version is listed in
 * {@code versions} or falls in a {@code SEMVER} range or a Maven {@code ECOSYSTEM} range (Maven's own
 * ComparableVersion order). A version the range's order cannot read (not semantic for a SEMVER range)
 * and an {@code ECOSYSTEM} range of another ecosystem are reported as unchecked, never as safe.
 */
public final class SbomCheck {

    /** One affected component. */
    public record Match(String component, String version, String advisoryId, List<String> aliases, String summary,
            Optional<String> fixedVersion) {
    }

    /** A component and advisory pair that could not be decided, with why. */
    public record Unchecked(String component, String version, String advisoryId, String reason) {
    }

    /** The result of one check. */
    public record Result(int components, int advisories, List<Match> matches, List<Unchecked> unchecked,
            List<String> componentsWithoutVersion) {
    }

    private SbomCheck() {}

    static Result check(List<Component> components, List<Advisory> advisories) {
        List<Match> matches = new ArrayList<>();
        List<Unchecked> unchecked = new ArrayList<>();
        List<String> noVersion = new ArrayList<>();
        for (Component c : components) {
            Optional<String> v = c.checkedVersion();
            if (v.isEmpty() || v.get().isEmpty()) {
                noVersion.add(c.displayName());
                continue;
            }
            String version = v.get();
            for (Advisory a : advisories) {
                boolean hit = false;
                Optional<String> fixed = Optional.empty();
                String problem = null;
                for (Advisory.Affected af : a.affected) {
                    if (!Advisory.samePackage(af, c)) {
                        continue;
                    }
                    if (af.versions.contains(version)) {
                        hit = true;
                    }
                    for (Advisory.Range r : af.ranges) {
                        Optional<Comparator<String>> order = Advisory.order(r.type, af.ecosystem);
                        if (order.isEmpty()) {
                            if ("ECOSYSTEM".equals(r.type)) {
                                problem = "an ECOSYSTEM range of " + af.ecosystem + " is not compared: only Maven"
                                        + " versions are ordered here (and SEMVER ranges); check it with that"
                                        + " ecosystem's tools";
                            }
                            continue;
                        }
                        try {
                            if (Advisory.inRange(version, r, order.get())) {
                                hit = true;
                                Optional<String> f = Advisory.fixedAbove(version, r, order.get());
                                if (f.isPresent() && (fixed.isEmpty() || order.get().compare(f.get(), fixed.get()) < 0)) {
                                    fixed = f;
                                }
                            }
                        } catch (IllegalArgumentException e) {
                            problem = e.getMessage();
                        }
                    }
                }
                if (hit) {
                    matches.add(new Match(c.displayName(), version, a.id, a.aliases, a.summary, fixed));
                } else if (problem != null) {
                    unchecked.add(new Unchecked(c.displayName(), version, a.id, problem));
                }
            }
        }
        return new Result(components.size(), advisories.size(), matches, unchecked, noVersion);
    }
}
