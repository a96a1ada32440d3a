package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.SendRequest;
import dev.meshwire.peer.ipc.api.SessionSendRequest;
import dev.meshwire.peer.PeerException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meshwire send TO MESSAGE}: hands a message to the daemon's durable outbox and prints the receipt. As a
 * session ({@code --session} or {@code $MESHWIRE_SESSION}) it is sent with the session's key over the session's own
 * connection and answered once the coordinator committed every copy (docs/ipc.md "Sessions"). Words {@code @name} of
 * MESSAGE that name members become the message's mentions (the daemon finds them: docs/protocol.md §12.6).
 */
@Command(name = "send", description = "Send a message to a member (name, pubkey prefix >= 8, pubkey), a group (@name), '*' (@all) or a #topic.")
final class SendCommand extends ReplyVerb {
    @Parameters(index = "0", paramLabel = "TO", description = "display name, public key prefix (8+ hex digits), @group, * (or @all) for every member, or #topic") String to;
    @Parameters(index = "1", paramLabel = "MESSAGE", arity = "0..1", description = "the text to send (or --file); @name words mention members") String message;
    // Linux limits one argument to 128 KiB, so large messages come from a file or stdin.
    @Option(names = "--file", paramLabel = "PATH", description = "read the message (UTF-8) from PATH, '-' for stdin, instead of MESSAGE") String file;
    @Mixin MeshOption mesh;
    @Option(names = "--priority", defaultValue = "next", description = "now, next or low") String priority;
    @Option(names = "--id", paramLabel = "CLIENT_ID", description = "idempotency id (default: random); resending with the same id never sends twice") String id;
    @Option(names = "--reply-to", paramLabel = "MESSAGE_ID", description = "the clientMessageId of the message this replies to ('inbox --json')")
    String replyTo;
    @Mixin SessionOption session;

    @Override
    public Integer call() {
        if (!List.of("now", "next", "low").contains(priority)) {
            throw new PeerException(PeerException.BAD_REQUEST, "--priority must be one of now, next, low (got '" + priority + "')");
        }
        String text = text();
        String asSession = session.resolve(main());
        if (asSession != null) {
            return reply(daemonWithMeshes().sessionSend(asSession, new SessionSendRequest(to, text, priority, id, replyTo)),
                    r -> out().print(Render.sessionSendReceipt(r)));
        }
        return reply(daemonWithMeshes().send(new SendRequest(mesh.name, to, text, priority, id, replyTo, null)), r -> out().print(Render.sendReceipt(r)));
    }

    private String text() {
        if ((message == null) == (file == null)) throw new PeerException(PeerException.BAD_REQUEST, "give either MESSAGE or --file PATH");
        if (file == null) return message;
        try {
            byte[] b = "-".equals(file) ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "--file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "cannot read --file " + file + ": " + e.getMessage());
        }
    }
}
