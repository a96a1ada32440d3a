package dev.meshwire.cli;

import java.util.List;
import java.util.Set;

/**
 * Which command lines the thin client ({@link QuickClient}) forwards to the running daemon (docs/cli.md "Start-up";
 * the one owner of that decision: the client asks it before forwarding, the daemon again before running).
 *
 * <p>Forwarded: the verbs that only talk to the running daemon and print once —
 * {@code status, peers, members, invite, bans, kick, ban, unban, revoke, role, expire, rename, reconnect,
 * grants, grant, block}, {@code session new|list|end} (a session's {@code --pid} is a number the caller gives), {@code
 * service register|list|revoke|inbox|send}, {@code group create|add|remove|delete|list},
 * {@code send} with the message inline (not {@code --file}: the file or stdin is the caller's),
 * {@code inbox} and {@code outbox} listings (not {@code inbox flush|delete}, not {@code outbox requeue}),
 * {@code msg status} and {@code mesh log}. Everything else runs locally: verbs that start or stop the daemon, stream,
 * read the caller's files, stdin or terminal, or never talk to the daemon; and, whatever the verb, any command line with
 * {@code --help}/{@code -h}, {@code --version}/{@code -V}, {@code --}, {@code --file}, or {@code --home} more than once.
 * A forwarded command line prints byte for byte what a local run prints, so this list is only about speed.
 */
final class ForwardedVerbs {
    private ForwardedVerbs() {}

    static final Set<String> VERBS = Set.of("status", "peers", "members", "invite", "bans", "kick", "ban", "unban", "revoke",
            "role", "expire", "rename", "reconnect", "send", "inbox", "outbox", "msg", "mesh", "grants", "grant", "block", "session",
            "service", "group", "topic");

    /** Anywhere on the command line, these keep it local. */
    private static final Set<String> LOCAL_ANYWHERE = Set.of("--help", "-h", "--version", "-V", "--", "help");

    /** True when {@code args} (after {@code meshwire}) may run in the daemon. */
    static boolean forwarded(List<String> args) {
        int homes = 0;
        String verb = null;
        int verbAt = -1;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a == null || LOCAL_ANYWHERE.contains(a) || a.equals("--file") || a.startsWith("--file=")) return false;
            if (a.equals("--home") || a.startsWith("--home=")) {
                homes++;
                if (a.equals("--home")) i++;
            } else if (verb == null && !a.startsWith("-")) {
                verb = a;
                verbAt = i;
            }
        }
        if (homes > 1 || verb == null || !VERBS.contains(verb)) return false;
        List<String> rest = args.subList(verbAt + 1, args.size());
        return switch (verb) {
            case "mesh" -> firstWord(rest, "log");
            case "msg" -> firstWord(rest, "status");
            case "session" -> firstWord(rest, "new", "list", "end");
            case "service" -> firstWord(rest, "register", "list", "revoke", "inbox", "send");
            case "inbox" -> !rest.contains("flush") && !rest.contains("delete");
            case "outbox" -> !rest.contains("requeue");
            default -> true;
        };
    }

    /** The value of the one {@code --home} option, or null (call after {@link #forwarded} said yes). */
    static String home(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--home")) return i + 1 < args.size() ? args.get(i + 1) : null;
            if (a.startsWith("--home=")) return a.substring("--home=".length());
        }
        return null;
    }

    /** The first argument that is not an option is one of {@code words} (the subcommand). */
    private static boolean firstWord(List<String> rest, String... words) {
        for (String a : rest) {
            if (!a.startsWith("-")) return List.of(words).contains(a);
        }
        return false;
    }
}
