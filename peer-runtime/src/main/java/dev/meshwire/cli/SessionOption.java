package dev.meshwire.cli;

import picocli.CommandLine.Option;

/**
 * {@code --session TOKEN}: act as one of the daemon's sessions (its token from {@code session new}) instead of as
 * the member. An app or agent started for a session finds its token in {@code $MESHWIRE_SESSION}, the default, so
 * that {@code send}, {@code inbox} and {@code peers} run inside it act as that session without a flag.
 */
final class SessionOption {
    /** The environment variable an app started for a session finds its token in. */
    static final String ENV = "MESHWIRE_SESSION";

    @Option(names = "--session", paramLabel = "TOKEN", description = "act as this session (its token from 'session new'; default: $MESHWIRE_SESSION)")
    String token;

    /** The token given, else the caller's {@code $MESHWIRE_SESSION} (the caller's: a forwarded call carries it), else null. */
    String resolve(Main main) {
        if (token != null) return token.isBlank() ? null : token;
        String env = main.invocation().env().get(ENV);
        return env == null || env.isBlank() ? null : env;
    }
}
