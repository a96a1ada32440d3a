package dev.meshwire.peer.config;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The environment a daemon started on demand (by {@code up} or any verb) receives: not the whole environment of the
 * command that happened to start it, but only
 * <ul>
 *   <li>what a JVM and its native libraries need: {@value #BASE_TEXT};</li>
 *   <li>each config key's variable ({@link ConfigKey#env()}, e.g. {@code MESHWIRE_P2P}), so that
 *       {@code MESHWIRE_P2P=off meshwire up} still means what it says;</li>
 *   <li>the test hooks {@code MESHWIRE_TEST_*}.</li>
 * </ul>
 * Everything else — tokens ({@code MESHWIRE_ADMIN_TOKEN}), cloud credentials, proxies, {@code JAVA_TOOL_OPTIONS} — stays
 * with the command. docs/cli.md ("The daemon's environment") documents this list.
 */
public final class DaemonEnvironment {
    static final String BASE_TEXT = "PATH, HOME, USER, LOGNAME, LANG, LC_ALL, LC_CTYPE, TZ, TMPDIR, LD_LIBRARY_PATH";
    private static final Set<String> BASE = Set.of(BASE_TEXT.split(", "));

    private DaemonEnvironment() {}

    /** The subset of {@code parent} a started daemon gets. */
    public static Map<String, String> of(Map<String, String> parent) {
        Map<String, String> out = new TreeMap<>();
        parent.forEach((k, v) -> {
            if (passes(k)) out.put(k, v);
        });
        return out;
    }

    /** Whether the variable {@code name} reaches a started daemon. */
    public static boolean passes(String name) {
        if (BASE.contains(name) || name.startsWith("MESHWIRE_TEST_")) return true;
        for (ConfigKey k : ConfigKey.values()) if (k.env().equals(name)) return true;
        return false;
    }
}
