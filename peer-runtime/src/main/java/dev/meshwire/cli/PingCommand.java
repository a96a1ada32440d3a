package dev.meshwire.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.cli.term.PathLabel;
import dev.meshwire.cli.term.Style;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.peer.ipc.api.PingReply;
import dev.meshwire.peer.ipc.api.PingRound;
import dev.meshwire.signaling.Json;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meshwire ping PEER}: round trips to one peer, printed as each reply arrives, each naming the path it
 * took (like {@code tailscale ping}). Each round is one {@code POST /v1/ping} with {@code count 1}, so output
 * streams without a streaming IPC route (docs/ipc.md); rounds start at most once a second.
 *
 * <p>Exit 0 when the peer answered at least once (with {@code --until-direct}: over a direct path); else exit 5
 * with the reason of the last lost round ({@code peer_offline}, {@code coordinator_unreachable},
 * {@code no_reply}, {@code no_peer_ping}) or {@code no_direct_path}.
 */
@Command(name = "ping", description = {
        "Ping a peer and print each reply as it arrives, with the path it took (coordinator relay, direct host, ...).",
        "Stops at the first direct reply. Exits 5 when the peer never answered (offline, coordinator down, timeout).",
        "Example: meshwire ping bob --until-direct"})
final class PingCommand extends Verb {
    static final int DEFAULT_COUNT = 10;
    private static final long ROUND_MS = 1_000;

    @Mixin MeshOption mesh;
    @Parameters(paramLabel = "PEER", description = "display name (any case), or public key (prefix of at least 8 hex digits)") String peer;
    @Option(names = {"-c", "--count"}, paramLabel = "N",
            description = "at most N rounds (default " + DEFAULT_COUNT + "; with --until-direct: until the timeout)") Integer count;
    @Option(names = "--until-direct", description = "keep pinging until a reply comes over a direct path; exit 0 then, exit 5 at the timeout")
    boolean untilDirect;
    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "give up after this long, e.g. 30s, 2m") String timeout;
    @Option(names = "--json", description = "one JSON object per round, one per line, as each arrives") boolean json;

    @Override
    public Integer call() {
        long timeoutMs = Render.parseDuration(timeout);
        if (count != null && (count < 1 || count > 100_000)) throw new PeerException(PeerException.BAD_REQUEST, "--count must be between 1 and 100000");
        int rounds = count != null ? count : untilDirect ? Integer.MAX_VALUE : DEFAULT_COUNT;
        IpcClient daemon = daemonWithMeshes();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        PeerRef who = null;
        PingRound lastLost = null;
        String lastNote = null;
        int replies = 0;
        boolean directReply = false;
        for (int seq = 1; seq <= rounds; seq++) {
            long start = System.nanoTime();
            PingReply reply = daemon.ping(mesh.name, peer, 1);
            who = reply.peer();
            PingRound r = reply.items().get(0);
            r = new PingRound(seq, r.via(), r.direct(), r.rttMs(), r.note(), r.errorCode(), r.error());
            if (json) {
                printJsonLine(reply.mesh(), who, r);
            } else {
                out().println(line(who, r, lastNote, style()));
                if (r.note() != null) lastNote = r.note();
            }
            out().flush();
            if (r.replied()) {
                replies++;
                if (r.direct()) {
                    directReply = true;
                    break;
                }
            } else {
                lastLost = r;
            }
            if (seq == rounds || !sleepUntil(Math.min(start + TimeUnit.MILLISECONDS.toNanos(ROUND_MS), deadline)) || System.nanoTime() - deadline >= 0) break;
        }
        String name = label(who);
        if (untilDirect && !directReply) {
            throw new PeerException(PeerException.NO_DIRECT_PATH, "no direct path to " + name + " within " + timeout
                    + (replies > 0 ? " (" + replies + " replies came via the coordinator relay)" : lastLost != null ? ": " + lastLost.error() : ""));
        }
        if (replies == 0) {
            throw new PeerException(lastLost != null && lastLost.errorCode() != null ? lastLost.errorCode() : PeerException.NO_REPLY,
                    "no reply from " + name + (lastLost != null ? ": " + lastLost.error() : ""));
        }
        return ExitCodes.OK;
    }

    /**
     * {@code pong from bob via coordinator relay in 2.1 ms}, or {@code no reply from bob via ...: why}. The
     * reason there is no direct path yet follows the first relay round, and again whenever it changes.
     */
    static String line(PeerRef who, PingRound r, String previousNote, Style style) {
        String name = label(who);
        String s = r.replied()
                ? "pong from " + name + " via " + PathLabel.styled(r.via(), style) + " in " + ms(r.rttMs())
                : "no reply from " + name + " via " + PathLabel.styled(r.via(), style) + ": " + style.red(r.error());
        if (r.note() != null && !r.note().equals(previousNote)) s += "; " + r.note();
        return s;
    }

    /** One decimal, as tailscale does; two below 0.1 ms so a fast local channel does not show 0.0. */
    static String ms(double v) {
        return String.format(java.util.Locale.ROOT, v < 0.1 ? "%.2f ms" : "%.1f ms", v);
    }

    private static String label(PeerRef who) {
        if (who == null) return "the peer";
        return who.name() != null ? who.name() : Render.shortKey(who.pubkey());
    }

    private void printJsonLine(String meshName, PeerRef who, PingRound r) {
        ObjectNode o = Json.MAPPER.valueToTree(r);
        o.put("mesh", meshName);
        o.set("peer", Json.MAPPER.valueToTree(who));
        out().println(o.toString());
    }

    /** Sleeps until {@code nanoDeadline}; false when interrupted. */
    private static boolean sleepUntil(long nanoDeadline) {
        long left = nanoDeadline - System.nanoTime();
        if (left <= 0) return true;
        try {
            TimeUnit.NANOSECONDS.sleep(left);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
