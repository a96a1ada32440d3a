package dev.meshwire.peer.ipc.api;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/cli}: one {@code meshwire} command line forwarded by the thin client (dev.meshwire.cli.QuickClient) to
 * the running daemon of the same home, which runs it as the CLI would and answers its exit code and output
 * ({@link CliReply}). Only the verbs of dev.meshwire.cli.ForwardedVerbs are run; any other is refused (400).
 *
 * @param args             the command line after {@code meshwire}, unchanged
 * @param env              the caller's environment variables that the CLI reads: {@code NO_COLOR}, {@code TERM}, {@code TZ}
 *                         and {@code MESHWIRE_*} (any other name is refused); an absent name is unset
 * @param cwd              the caller's working directory (absolute), against which a relative {@code --home} resolves
 * @param stdoutIsTerminal the caller's stdout is a terminal (colour needs it, see docs/cli.md)
 */
public record CliRequest(List<String> args, Map<String, String> env, String cwd, boolean stdoutIsTerminal) {
}
