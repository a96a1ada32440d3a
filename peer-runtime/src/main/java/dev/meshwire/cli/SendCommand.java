package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.IpcClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code meshwire send TO MESSAGE}: hands a message to the daemon's durable outbox and prints the receipt. */
@Command(name = "send", description = "Send a message to a member (name, pubkey prefix >= 8, pubkey) or '*'.")
final class SendCommand extends ReplyVerb {
    @Parameters(index = "0", paramLabel = "TO") String to;
    @Parameters(index = "1", paramLabel = "MESSAGE") String message;
    @Mixin MeshOption mesh;
    @Option(names = "--priority", defaultValue = "next", description = "now, next or low") String priority;
    @Option(names = "--id", paramLabel = "CLIENT_ID", description = "idempotency id (default: random); resending with the same id never sends twice") String id;
    @Option(names = "--reply-to", paramLabel = "MESSAGE_ID", description = "the coordinator message id this replies to") String replyTo;

    @Override
    public Integer call() {
        if (!List.of("now", "next", "low").contains(priority)) {
            throw new PeerException(PeerException.BAD_REQUEST, "--priority must be one of now, next, low (got '" + priority + "')");
        }
        return reply(daemonWithMeshes().post("/v1/send", IpcClient.map("mesh", mesh.name, "to", to, "message", message,
                "priority", priority, "clientMessageId", id, "replyToId", replyTo)), r -> out().print(Render.sendReceipt(r)));
    }
}
