package dev.meshwire.peer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes as users write them in options and environment variables: {@code 262144}, {@code 512KiB}, {@code 8MiB}. */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("^(\\d{1,12})(KiB|MiB)?$");

    private ByteSize() {}

    /** The size in bytes; {@code what} names the setting in the error message. */
    public static long parse(String what, String v) {
        Matcher m = SIZE.matcher(v == null ? "" : v.trim());
        if (!m.matches()) throw new IllegalArgumentException(what + " must look like 262144, 512KiB or 8MiB (got '" + v + "')");
        return Long.parseLong(m.group(1)) * (m.group(2) == null ? 1 : "KiB".equals(m.group(2)) ? 1024 : 1024 * 1024);
    }
}
