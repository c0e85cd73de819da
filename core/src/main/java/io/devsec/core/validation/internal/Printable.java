package io.devsec.core.validation.internal;

/** Turns untrusted text into short, safe log text. Not API. */
public final class Printable {
    private Printable() {
    }

    /**
     * {@code text} with control characters, surrogates, quotes and backslashes escaped as
     * {@code \\uXXXX}, cut to at most {@code max} characters of output (then "...").
     */
    public static String of(String text, int max) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), max) + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String piece;
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate(c) || c == '"' || c == '\\'
                    || c == '\u2028' || c == '\u2029' || c == '\ufeff') {
                piece = String.format("\\u%04x", (int) c);
            } else {
                piece = String.valueOf(c);
            }
            if (b.length() + piece.length() > max) {
                b.append("...");
                return b.toString();
            }
            b.append(piece);
        }
        return b.toString();
    }

    /** Whether {@code c} is a C0 or C1 control character or DEL. */
    public static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    /** Whether the text holds an unpaired surrogate (is not well-formed Unicode). */
    public static boolean hasUnpairedSurrogate(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
