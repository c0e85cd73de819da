package io.devsec.tools.sbom;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maven version ordering: the classic algorithm of Maven's {@code ComparableVersion}
 * (maven-artifact 3.x), small enough to own instead of taking the dependency.
 *
 * <p>A version splits into numbers and words at {@code .}, at {@code -} (which opens a sub-list) and at
 * every switch between digits and letters. Numbers compare numerically; words by the qualifier order
 * {@code alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp}, then any other
 * word, alphabetically, after {@code sp}; {@code a1}, {@code b1}, {@code m1} mean alpha 1, beta 1,
 * milestone 1. Trailing zeros and release words do not count ({@code 1 = 1.0 = 1.0.0 = 1-ga}).
 * Comparison is case-insensitive. Edge cases that maven-artifact 3.9 treats specially (combination
 * items such as {@code 1-x-1}) may order differently; release, numeric and qualifier versions, which are
 * what advisories use, follow Maven.
 */
public final class MavenVersion implements Comparable<MavenVersion> {

    /** Orders version strings as Maven does. */
    public static final Comparator<String> ORDER = (a, b) -> parse(a).compareTo(parse(b));

    private static final List<String> QUALIFIERS = Arrays.asList("alpha", "beta", "milestone", "rc", "snapshot", "", "sp");
    private static final Map<String, String> ALIASES = Map.of("ga", "", "final", "", "release", "", "cr", "rc");
    private static final String RELEASE = String.valueOf(QUALIFIERS.indexOf(""));

    private final String text;
    private final ListItem items;

    private MavenVersion(String text, ListItem items) {
        this.text = text;
        this.items = items;
    }

    /** Parses a version; never fails (every string is a Maven version). */
    public static MavenVersion parse(String version) {
        if (version == null) {
            throw new NullPointerException("version");
        }
        return new MavenVersion(version, parseItems(version.toLowerCase(Locale.ROOT)));
    }

    @Override
    public int compareTo(MavenVersion o) {
        return items.compareTo(o.items);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MavenVersion && compareTo((MavenVersion) o) == 0;
    }

    @Override
    public int hashCode() {
        return items.canonical().hashCode();
    }

    /** The canonical form, for debugging: {@code 1-alpha-1} and {@code 1-a1} have the same one. */
    public String canonical() {
        return items.canonical();
    }

    @Override
    public String toString() {
        return text;
    }

    private interface Item {
        int INT = 0;
        int STRING = 1;
        int LIST = 2;

        int type();

        boolean isNull();

        int compareTo(Item other);

        String canonical();
    }

    private static final class IntItem implements Item {
        static final IntItem ZERO = new IntItem(BigInteger.ZERO);
        final BigInteger value;

        IntItem(BigInteger value) {
            this.value = value;
        }

        public int type() {
            return INT;
        }

        public boolean isNull() {
            return value.signum() == 0;
        }

        public int compareTo(Item item) {
            if (item == null) {
                return value.signum() == 0 ? 0 : 1; // 1.0 == 1, 1.1 > 1
            }
            switch (item.type()) {
                case INT:
                    return value.compareTo(((IntItem) item).value);
                case STRING:
                    return 1; // 1.1 > 1-sp
                default:
                    return 1; // 1.1 > 1-1
            }
        }

        public String canonical() {
            return value.toString();
        }
    }

    private static final class StringItem implements Item {
        final String value;

        StringItem(String value, boolean followedByDigit) {
            if (followedByDigit && value.length() == 1) {
                switch (value.charAt(0)) {
                    case 'a':
                        value = "alpha";
                        break;
                    case 'b':
                        value = "beta";
                        break;
                    case 'm':
                        value = "milestone";
                        break;
                    default:
                        break;
                }
            }
            this.value = ALIASES.getOrDefault(value, value);
        }

        public int type() {
            return STRING;
        }

        public boolean isNull() {
            return comparable(value).equals(RELEASE);
        }

        static String comparable(String qualifier) {
            int i = QUALIFIERS.indexOf(qualifier);
            return i == -1 ? QUALIFIERS.size() + "-" + qualifier : String.valueOf(i);
        }

        public int compareTo(Item item) {
            if (item == null) {
                return comparable(value).compareTo(RELEASE); // 1-rc < 1, 1-sp > 1
            }
            switch (item.type()) {
                case INT:
                    return -1; // 1.any < 1.1
                case STRING:
                    return comparable(value).compareTo(comparable(((StringItem) item).value));
                default:
                    return -1; // 1.any < 1-1
            }
        }

        public String canonical() {
            return value;
        }
    }

    private static final class ListItem extends ArrayList<Item> implements Item {
        private static final long serialVersionUID = 1L;

        public int type() {
            return LIST;
        }

        public boolean isNull() {
            return isEmpty();
        }

        void normalize() {
            for (int i = size() - 1; i >= 0; i--) {
                Item last = get(i);
                if (last.isNull()) {
                    remove(i); // trailing 0, "", empty list
                } else if (!(last instanceof ListItem)) {
                    break;
                }
            }
        }

        public int compareTo(Item item) {
            if (item == null) {
                if (isEmpty()) {
                    return 0;
                }
                return get(0).compareTo(null);
            }
            switch (item.type()) {
                case INT:
                    return -1; // 1-1 < 1.0.x
                case STRING:
                    return 1; // 1-1 > 1-sp
                default:
                    ListItem other = (ListItem) item;
                    int n = Math.max(size(), other.size());
                    for (int i = 0; i < n; i++) {
                        Item l = i < size() ? get(i) : null;
                        Item r = i < other.size() ? other.get(i) : null;
                        int result = l == null ? (r == null ? 0 : -1 * r.compareTo(null)) : l.compareTo(r);
                        if (result != 0) {
                            return result;
                        }
                    }
                    return 0;
            }
        }

        public String canonical() {
            StringBuilder sb = new StringBuilder();
            for (Item i : this) {
                if (sb.length() > 0) {
                    sb.append(i instanceof ListItem ? '-' : '.');
                }
                sb.append(i.canonical());
            }
            return sb.toString();
        }
    }

    private static Item parseItem(boolean isDigit, String buf) {
        if (isDigit) {
            return new IntItem(new BigInteger(buf));
        }
        return new StringItem(buf, false);
    }

    private static ListItem parseItems(String version) {
        ListItem root = new ListItem();
        ListItem list = root;
        Deque<ListItem> stack = new ArrayDeque<>();
        stack.push(list);
        boolean isDigit = false;
        int start = 0;
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (c == '.') {
                list.add(i == start ? IntItem.ZERO : parseItem(isDigit, version.substring(start, i)));
                start = i + 1;
            } else if (c == '-') {
                list.add(i == start ? IntItem.ZERO : parseItem(isDigit, version.substring(start, i)));
                start = i + 1;
                ListItem sub = new ListItem();
                list.add(sub);
                list = sub;
                stack.push(list);
            } else if (c >= '0' && c <= '9') {
                if (!isDigit && i > start) {
                    list.add(new StringItem(version.substring(start, i), true));
                    start = i;
                    ListItem sub = new ListItem();
                    list.add(sub);
                    list = sub;
                    stack.push(list);
                }
                isDigit = true;
            } else {
                if (isDigit && i > start) {
                    list.add(parseItem(true, version.substring(start, i)));
                    start = i;
                    ListItem sub = new ListItem();
                    list.add(sub);
                    list = sub;
                    stack.push(list);
                }
                isDigit = false;
            }
        }
        if (version.length() > start) {
            list.add(parseItem(isDigit, version.substring(start)));
        }
        while (!stack.isEmpty()) {
            stack.pop().normalize();
        }
        return root;
    }
}
