package dev.meshwire.peer.ipc;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.api.CliReply;
import dev.meshwire.peer.ipc.api.CliRequest;

/**
 * {@code POST /v1/cli}: runs one forwarded {@code meshwire} command line in the daemon (the CLI supplies the
 * implementation when it starts the daemon, so the daemon does not depend on the CLI). Blocking; called on the IPC's
 * CLI worker pool, never on the event loop.
 */
@FunctionalInterface
public interface CliApi {
    /** A daemon started without the CLI (tests, embedding): every forwarded call is refused, so the client runs it locally. */
    CliApi NONE = r -> {
        throw new PeerException(PeerException.BAD_REQUEST, "this daemon does not run forwarded command lines");
    };

    /**
     * @throws PeerException BAD_REQUEST when this command line is not forwarded (not in the allowlist, or an environment
     *                       the daemon cannot reproduce); the client then runs it locally
     */
    CliReply run(CliRequest request);
}
