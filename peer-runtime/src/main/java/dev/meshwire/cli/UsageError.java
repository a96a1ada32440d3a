package dev.meshwire.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one-line text of a usage error, with "did you mean" suggestions for a mistyped verb or option
 * ({@code meshwire sned} → "unknown verb 'sned'; did you mean 'send'?"). Suggestions are the names within a small
 * edit distance (typos: a letter missing, extra, wrong or two swapped), closest first; when none is that close,
 * picocli's own (similar letter pairs, which catches longer misspellings but not swapped letters).
 */
final class UsageError {
    private static final int MAX_SUGGESTIONS = 3;

    private UsageError() {}

    static String line(ParameterException ex) {
        if (!(ex instanceof UnmatchedArgumentException u)) return ex.getMessage();
        List<String> unmatched = u.getUnmatched();
        String first = unmatched.isEmpty() ? "" : unmatched.get(0);
        CommandSpec spec = u.getCommandLine().getCommandSpec();
        boolean option = first.startsWith("-");
        boolean hasVerbs = !spec.subcommands().isEmpty();
        String head = option ? "unknown option '" + first + "'"
                : hasVerbs ? "unknown verb '" + first + "'"
                : "unexpected argument '" + first + "'";
        if (!option && !hasVerbs) return head;
        List<String> s = suggestions(first, option ? optionNames(spec) : visibleVerbs(spec), u.getSuggestions());
        if (s.isEmpty()) return head;
        return head + "; did you mean " + String.join(" or ", s.stream().map(x -> "'" + x + "'").toList()) + "?";
    }

    static List<String> suggestions(String typed, Set<String> names, List<String> picocli) {
        String t = typed.contains("=") && typed.startsWith("--") ? typed.substring(0, typed.indexOf('=')) : typed;
        int limit = Math.max(1, Math.min(2, t.replaceFirst("^-+", "").length() / 3));
        List<String> close = new ArrayList<>();
        for (String n : names) if (distance(t, n) <= limit) close.add(n);
        close.sort(Comparator.comparingInt((String n) -> distance(t, n)).thenComparing(n -> n));
        List<String> from = close.isEmpty() ? picocli.stream().filter(names::contains).toList() : close;
        return from.stream().limit(MAX_SUGGESTIONS).toList();
    }

    private static Set<String> visibleVerbs(CommandSpec spec) {
        Set<String> s = new LinkedHashSet<>();
        spec.subcommands().forEach((name, cl) -> {
            if (!cl.getCommandSpec().usageMessage().hidden()) s.add(name);
        });
        return s;
    }

    private static Set<String> optionNames(CommandSpec spec) {
        Set<String> s = new LinkedHashSet<>();
        for (OptionSpec o : spec.options()) {
            if (!o.hidden()) s.addAll(List.of(o.names()));
        }
        return s;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
