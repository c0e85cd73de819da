package io.devsec.core.internal;

import com.nulabinc.zxcvbn.Pattern;
import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import com.nulabinc.zxcvbn.matchers.Match;
import io.devsec.core.PasswordRejectedException;
import io.devsec.core.PasswordRejectedException.Reason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The checks behind {@link io.devsec.core.PasswordPolicy}. */
public final class PasswordChecks {

    /** Entries of this many characters or more are also refused as substrings. */
    static final int SUBSTRING_MIN_LENGTH = 6;
    private static final int CONTEXT_WORD_MIN_LENGTH = 3;
    private static final String RESOURCE = "default-credentials.txt";

    private PasswordChecks() {}

    /** The refused default-credential terms, lower case; loaded once. */
    static final class DefaultCredentials {
        static final Set<String> EXACT;
        static final List<String> SUBSTRINGS;

        static {
            Set<String> terms = new LinkedHashSet<>();
            try (InputStream in = PasswordChecks.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE);
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = r.readLine()) != null; ) {
                    line = line.trim();
                    if (line.isEmpty() || line.startsWith("#")) {
                        continue;
                    }
                    String[] f = line.split("\\s+");
                    if (f.length != 2) {
                        throw new IllegalStateException("malformed line in " + RESOURCE + ": " + line);
                    }
                    String user = "-".equals(f[0]) ? "" : lower(f[0]);
                    String pass = "-".equals(f[1]) ? "" : lower(f[1]);
                    if (!user.isEmpty()) {
                        terms.add(user);
                    }
                    if (!pass.isEmpty()) {
                        terms.add(pass);
                    }
                    if (!user.isEmpty() && !pass.isEmpty()) {
                        terms.add(user + pass);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EXACT = Collections.unmodifiableSet(terms);
            List<String> subs = new ArrayList<>();
            for (String t : terms) {
                if (t.codePointCount(0, t.length()) >= SUBSTRING_MIN_LENGTH) {
                    subs.add(t);
                }
            }
            SUBSTRINGS = Collections.unmodifiableList(subs);
        }
    }

    private static final class Estimator {
        static final Zxcvbn ZXCVBN = new Zxcvbn();
    }

    /** The number of refused default-credential terms (for tests and reports). */
    public static int defaultCredentialTermCount() {
        return DefaultCredentials.EXACT.size();
    }

    /** Applies every check; see {@link io.devsec.core.PasswordPolicy}. */
    public static void check(char[] password, Collection<String> contextWords, int minLength, int maxLength,
            double minGuessesLog10) throws PasswordRejectedException {
        char[] normalized = nfkc(password);
        char[] lower = null;
        try {
            for (int i = 0; i < normalized.length; i++) {
                char c = normalized[i];
                if (Character.isHighSurrogate(c)) {
                    if (i + 1 >= normalized.length || !Character.isLowSurrogate(normalized[i + 1])) {
                        throw new PasswordRejectedException(Reason.UNSUPPORTED_CHARACTER, "");
                    }
                    i++;
                } else if (Character.isLowSurrogate(c) || Character.getType(c) == Character.CONTROL) {
                    throw new PasswordRejectedException(Reason.UNSUPPORTED_CHARACTER, "");
                }
            }
            boolean blank = true;
            for (char c : normalized) {
                if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                    blank = false;
                    break;
                }
            }
            if (blank) {
                throw new PasswordRejectedException(Reason.BLANK, "");
            }
            int length = Character.codePointCount(normalized, 0, normalized.length);
            if (length < minLength) {
                throw new PasswordRejectedException(Reason.TOO_SHORT,
                        "Use at least " + minLength + " characters; a few unrelated words make a good password.");
            }
            if (length > maxLength) {
                throw new PasswordRejectedException(Reason.TOO_LONG, "Use at most " + maxLength + " characters.");
            }
            lower = lower(normalized);
            List<String> context = new ArrayList<>();
            for (String word : contextWords) {
                if (word == null) {
                    continue;
                }
                String w = lower(Normalizer.normalize(word, Normalizer.Form.NFKC).trim());
                if (w.codePointCount(0, w.length()) >= CONTEXT_WORD_MIN_LENGTH) {
                    context.add(w);
                    if (indexOf(lower, w) >= 0) {
                        throw new PasswordRejectedException(Reason.CONTAINS_CONTEXT_WORD, "");
                    }
                }
            }
            for (String term : DefaultCredentials.EXACT) {
                if (term.length() == lower.length && indexOf(lower, term) == 0) {
                    throw new PasswordRejectedException(Reason.KNOWN_DEFAULT_CREDENTIAL, "");
                }
            }
            for (String term : DefaultCredentials.SUBSTRINGS) {
                if (indexOf(lower, term) >= 0) {
                    throw new PasswordRejectedException(Reason.KNOWN_DEFAULT_CREDENTIAL, "");
                }
            }
            if (distinctCodePoints(normalized) <= 2) {
                throw new PasswordRejectedException(Reason.REPETITIVE, "");
            }
            Strength strength = Estimator.ZXCVBN.measure(CharBuffer.wrap(normalized), context);
            try {
                Reason structural = mostlyOnePattern(strength.getSequence(), normalized.length);
                if (structural != null) {
                    throw new PasswordRejectedException(structural, "Try a few unrelated words.");
                }
                if (strength.getGuessesLog10() < minGuessesLog10) {
                    throw new PasswordRejectedException(reasonFor(strength.getSequence()),
                            "Try a few unrelated words.");
                }
            } finally {
                strength.wipe();
            }
        } finally {
            Arrays.fill(normalized, '\0');
            if (lower != null) {
                Arrays.fill(lower, '\0');
            }
        }
    }

    /**
     * Structure that zxcvbn's estimate can miss, because it grows with length: repeats, sequences or
     * keyboard walks covering at least half of the password (each kind counted over all its matches),
     * or entries of zxcvbn's breached-password list covering at least three quarters of it.
     */
    static Reason mostlyOnePattern(List<Match> sequence, int length) {
        int repeat = 0;
        int run = 0;
        int walk = 0;
        int breached = 0;
        for (Match m : sequence) {
            int n = m.tokenLength();
            if (m.pattern == Pattern.Repeat) {
                repeat += n;
            } else if (m.pattern == Pattern.Sequence) {
                run += n;
            } else if (m.pattern == Pattern.Spatial) {
                walk += n;
            } else if (m.pattern == Pattern.Dictionary && "passwords".equals(m.dictionaryName)) {
                breached += n;
            }
        }
        if (2 * repeat >= length) {
            return Reason.REPETITIVE;
        }
        if (2 * run >= length) {
            return Reason.SEQUENTIAL;
        }
        if (2 * walk >= length) {
            return Reason.KEYBOARD_PATTERN;
        }
        if (4 * breached >= 3 * length) {
            return Reason.COMMON_PASSWORD;
        }
        return null;
    }

    /** Maps the dominant zxcvbn match (the longest non-brute-force token) to a reason. */
    static Reason reasonFor(List<Match> sequence) {
        Match dominant = null;
        for (Match m : sequence) {
            if (m.pattern == Pattern.Bruteforce) {
                continue;
            }
            if (dominant == null || m.tokenLength() > dominant.tokenLength()) {
                dominant = m;
            }
        }
        if (dominant == null) {
            return Reason.TOO_GUESSABLE;
        }
        switch (dominant.pattern) {
            case Repeat:
                return Reason.REPETITIVE;
            case Sequence:
                return Reason.SEQUENTIAL;
            case Spatial:
                return Reason.KEYBOARD_PATTERN;
            case Dictionary:
                if ("user_inputs".equals(dominant.dictionaryName)) {
                    return Reason.CONTAINS_CONTEXT_WORD;
                }
                if (dominant.dictionaryName != null && dominant.dictionaryName.contains("keyboard")) {
                    return Reason.KEYBOARD_PATTERN;
                }
                return Reason.COMMON_PASSWORD;
            default:
                return Reason.TOO_GUESSABLE;
        }
    }

    static char[] nfkc(char[] password) {
        CharBuffer chars = CharBuffer.wrap(password);
        if (Normalizer.isNormalized(chars, Normalizer.Form.NFKC)) {
            return password.clone();
        }
        // Normalizer returns a String, which cannot be wiped; only non-NFKC input takes this path.
        return Normalizer.normalize(chars, Normalizer.Form.NFKC).toCharArray();
    }

    private static char[] lower(char[] chars) {
        char[] out = new char[chars.length];
        for (int i = 0; i < chars.length; i++) {
            out[i] = Character.toLowerCase(chars[i]);
        }
        return out;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    static int indexOf(char[] haystack, String needle) {
        int n = needle.length();
        outer:
        for (int i = 0; i + n <= haystack.length; i++) {
            for (int j = 0; j < n; j++) {
                if (haystack[i + j] != needle.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int distinctCodePoints(char[] chars) {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < chars.length; ) {
            int cp = Character.codePointAt(chars, i);
            seen.add(cp);
            if (seen.size() > 2) {
                return seen.size();
            }
            i += Character.charCount(cp);
        }
        return seen.size();
    }
}
