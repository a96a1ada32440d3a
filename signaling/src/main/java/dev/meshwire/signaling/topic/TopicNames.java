package dev.meshwire.signaling.topic;

import java.util.regex.Pattern;

/**
 * Topic names (docs/protocol.md §12.2): 1-32 characters of {@code a-z}, {@code 0-9}, {@code _} and {@code -},
 * starting with a letter or digit; shown and addressed as {@code #name}.
 */
public final class TopicNames {
    private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,31}$");
    public static final String PREFIX = "#";

    private TopicNames() {}

    /** @return null if {@code name} (without {@code #}) is valid, else a one-line explanation */
    public static String check(String name) {
        if (name != null && NAME.matcher(name).matches()) return null;
        return "topic name must be 1-32 characters of a-z, 0-9, '_' and '-', starting with a letter or digit";
    }

    /** {@code #name} or {@code name} → {@code name}; null if it is not a valid topic. */
    public static String parse(String text) {
        if (text == null) return null;
        String t = text.trim();
        if (t.startsWith(PREFIX)) t = t.substring(1);
        return check(t) == null ? t : null;
    }

    /** The address form, {@code #name}. */
    public static String address(String name) {
        return PREFIX + name;
    }
}
