package io.devsec.tools.sbom;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Semantic Versioning 2.0.0 precedence, for OSV ranges of type {@code SEMVER}: major, minor and patch
 * numerically; a pre-release ({@code -rc.1}) is lower than its release and compares identifier by
 * identifier (numbers numerically and below words); build metadata ({@code +...}) is ignored. A leading
 * {@code v} and a missing minor or patch ({@code 1.2}) are accepted, as Go and npm tooling write them.
 */
public final class SemVer {
    private static final Pattern P = Pattern.compile(
            "v?(0|[1-9]\\d*)(?:\\.(0|[1-9]\\d*))?(?:\\.(0|[1-9]\\d*))?(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z.-]+)?");

    /** Orders semantic versions; throws {@link IllegalArgumentException} for a string that is not one. */
    public static final Comparator<String> ORDER = SemVer::compare;

    private SemVer() {}

    static int compare(String a, String b) {
        Matcher x = match(a);
        Matcher y = match(b);
        for (int g = 1; g <= 3; g++) {
            int c = num(x.group(g)).compareTo(num(y.group(g)));
            if (c != 0) {
                return c;
            }
        }
        String pa = x.group(4);
        String pb = y.group(4);
        if (pa == null || pb == null) {
            return pa == null ? (pb == null ? 0 : 1) : -1;
        }
        String[] ia = pa.split("\\.");
        String[] ib = pb.split("\\.");
        for (int i = 0; i < Math.min(ia.length, ib.length); i++) {
            boolean na = ia[i].chars().allMatch(Character::isDigit);
            boolean nb = ib[i].chars().allMatch(Character::isDigit);
            int c;
            if (na && nb) {
                c = new BigInteger(ia[i]).compareTo(new BigInteger(ib[i]));
            } else if (na != nb) {
                c = na ? -1 : 1;
            } else {
                c = ia[i].compareTo(ib[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(ia.length, ib.length);
    }

    private static Matcher match(String v) {
        Matcher m = P.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a semantic version: " + v);
        }
        return m;
    }

    private static BigInteger num(String s) {
        return s == null ? BigInteger.ZERO : new BigInteger(s);
    }
}
