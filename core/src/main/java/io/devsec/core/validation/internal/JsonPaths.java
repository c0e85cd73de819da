package io.devsec.core.validation.internal;

/** Builds the paths that name a value in a validation error. Not API. */
public final class JsonPaths {
    /** The document itself. */
    public static final String ROOT = "$";

    private static final int MAX_KEY = 40;

    private JsonPaths() {
    }

    /** The path of field {@code key} in the object at {@code parent}. */
    public static String field(String parent, String key) {
        if (isIdentifier(key)) {
            return parent + "." + key;
        }
        String shown = key.length() > MAX_KEY ? key.substring(0, MAX_KEY) + "..." : key;
        return parent + "['" + shown + "']";
    }

    /** The path of element {@code index} in the array at {@code parent}. */
    public static String element(String parent, int index) {
        return parent + "[" + index + "]";
    }

    private static boolean isIdentifier(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
                    || (i > 0 && ((c >= '0' && c <= '9') || c == '-'));
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
