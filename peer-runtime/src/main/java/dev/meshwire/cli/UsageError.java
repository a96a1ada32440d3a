package dev.meshwire.cli;

import java.util.List;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one-line text of a usage error, with picocli's "did you mean" suggestions for a mistyped verb or option
 * ({@code meshwire sned} → "unknown verb 'sned'; did you mean 'send'?").
 */
final class UsageError {
    private static final int MAX_SUGGESTIONS = 3;

    private UsageError() {}

    static String line(ParameterException ex) {
        if (!(ex instanceof UnmatchedArgumentException u)) return ex.getMessage();
        List<String> unmatched = u.getUnmatched();
        String first = unmatched.isEmpty() ? "" : unmatched.get(0);
        boolean option = first.startsWith("-");
        boolean hasVerbs = !u.getCommandLine().getSubcommands().isEmpty();
        String head = option ? "unknown option '" + first + "'"
                : hasVerbs ? "unknown verb '" + first + "'"
                : "unexpected argument '" + first + "'";
        List<String> s = u.getSuggestions();
        if (s.isEmpty()) return head;
        List<String> shown = s.subList(0, Math.min(MAX_SUGGESTIONS, s.size()));
        return head + "; did you mean " + String.join(" or ", shown.stream().map(x -> "'" + x + "'").toList()) + "?";
    }
}
