package dev.meshwire.signaling;

/**
 * Writes the members of a JSON object straight into a {@link StringBuilder} — {@code "name":value}, after a comma
 * when a member came before, nothing at all for a null value — for the few texts the hot paths write without a JSON
 * tree (the signed envelope's canonical(meta), the relay's {@code ack} and {@code receipt}). Each call returns
 * whether the object has a member now, which the next call takes as {@code more}.
 *
 * <p>How a string value is quoted is the caller's: RFC 8785 for signed text, Jackson's escaper for frames that must
 * equal the tree encoding byte for byte. Names are written as they are: callers pass constant names that need no
 * escaping.
 */
public final class JsonMembers {
    /** Appends {@code value} as a JSON string literal, quotes included. */
    @FunctionalInterface
    public interface Quoter {
        void quote(String value, StringBuilder out);
    }

    private JsonMembers() {}

    /** Appends {@code "name":} (after a comma when {@code more}); returns true. */
    public static boolean name(StringBuilder b, boolean more, String name) {
        if (more) b.append(',');
        b.append('"').append(name).append("\":");
        return true;
    }

    /** Appends the member unless {@code value} is null, quoting it with {@code quoter}. */
    public static boolean string(StringBuilder b, boolean more, String name, String value, Quoter quoter) {
        if (value == null) return more;
        name(b, more, name);
        quoter.quote(value, b);
        return true;
    }

    /** Appends the member unless {@code value} is null. */
    public static boolean number(StringBuilder b, boolean more, String name, Long value) {
        return value == null ? more : number(b, more, name, value.longValue());
    }

    /** Appends the member. */
    public static boolean number(StringBuilder b, boolean more, String name, long value) {
        name(b, more, name);
        b.append(value);
        return true;
    }

    /** Appends the member unless {@code value} is null. */
    public static boolean bool(StringBuilder b, boolean more, String name, Boolean value) {
        if (value == null) return more;
        name(b, more, name);
        b.append(value.booleanValue());
        return true;
    }
}
