package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.ExpireRequest;
import dev.meshwire.peer.PeerException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code meshwire expire PEER --in 7d | --at ISO8601 | --never} (owner or admin). */
@Command(name = "expire", description = "End a membership silently at a time, or clear its expiry (owner or admin).")
final class ExpireCommand extends ReplyVerb {
    @Parameters(paramLabel = "PEER", description = "name, pubkey prefix (>= 8) or pubkey") String peer;
    @Mixin MeshOption mesh;
    @ArgGroup(exclusive = true, multiplicity = "1") When when;

    static final class When {
        @Option(names = "--in", paramLabel = "DURATION", description = "from now, e.g. 30m, 24h, 7d") String in;
        @Option(names = "--at", paramLabel = "ISO8601", description = "e.g. 2026-12-31T23:00:00Z") String at;
        @Option(names = "--never", description = "clear the expiry") boolean never;
    }

    @Override
    public Integer call() {
        Long expiresAt = null;
        if (when.in != null) {
            expiresAt = System.currentTimeMillis() + Render.parseDuration(when.in);
        } else if (when.at != null) {
            expiresAt = parseInstant(when.at);
        }
        return reply(daemonWithMeshes().expire(new ExpireRequest(mesh.name, peer, expiresAt, when.never ? true : null)), r -> out().println("expire: " + Render.who(r.name(), r.pubkey())
                + (r.expiresAt() != null ? " leaves the mesh at " + Render.time(r.expiresAt()) : " no longer expires")));
    }

    static long parseInstant(String s) {
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw new PeerException(PeerException.BAD_REQUEST, "--at must be an ISO 8601 time with a zone, e.g. 2026-12-31T23:00:00Z (got '"
                        + s + "')");
            }
        }
    }
}
