package dev.meshwire.peer.config;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** The "unknown config key" message: the closest keys first (edit distance), else every key. */
final class KeyNames {
    private KeyNames() {}

    /** "unknown config key 'p2p.mod'; did you mean p2p.mode?" or "...; the keys are: a, b, c". */
    static String unknown(String name) {
        List<String> close = closest(name);
        return "unknown config key '" + name + "'" + (close.isEmpty() ? "; the keys are: " + ConfigKey.allKeys()
                : "; did you mean " + String.join(" or ", close) + "? (all keys: meshwire config list)");
    }

    /** Keys within edit distance 3 of {@code name}, or containing it, nearest first (at most 3). */
    static List<String> closest(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        return Arrays.stream(ConfigKey.values()).map(ConfigKey::key)
                .filter(k -> distance(k, n) <= 3 || (n.length() >= 3 && k.contains(n)))
                .sorted(Comparator.comparingInt(k -> distance(k, n))).limit(3).toList();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
