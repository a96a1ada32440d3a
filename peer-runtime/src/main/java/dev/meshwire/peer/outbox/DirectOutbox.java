package dev.meshwire.peer.outbox;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.transport.Transport;
import dev.meshwire.peer.transport.TransportException;
import dev.meshwire.peer.transport.TransportReceipt;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.SealedBody;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Issue-2 outbox: no persistence. Resolves the target, seals one copy per recipient with the
 * mesh's {@code BoxCipher}, signs Envelope v2 and hands each to the transport at once, waiting for
 * the coordinator's answer so the caller learns "offline" or "unreachable" immediately.
 */
public final class DirectOutbox implements Outbox {
    /** Plaintext limit for now: a data-channel frame is ≤ 256 KiB and chunking comes later. */
    public static final int MAX_MESSAGE_BYTES = 256 * 1024;
    private static final long WAIT_MS = 15_000;

    private final Function<String, MeshSession> meshSelector;
    private final Transport transport;

    /** @param meshSelector maps the request's mesh name (or null) to a session, throwing PeerException */
    public DirectOutbox(Function<String, MeshSession> meshSelector, Transport transport) {
        this.meshSelector = meshSelector;
        this.transport = transport;
    }

    @Override
    public SendReceipt accept(SendRequest req) {
        if (req.text() == null) throw new PeerException(PeerException.BAD_REQUEST, "no message text given");
        byte[] plain = req.text().getBytes(StandardCharsets.UTF_8);
        if (plain.length > MAX_MESSAGE_BYTES) {
            throw new PeerException(PeerException.MESSAGE_TOO_LARGE, "message is " + plain.length
                    + " bytes; the limit is " + MAX_MESSAGE_BYTES + " bytes (256 KiB)");
        }
        String cmid = req.clientMessageId();
        if (cmid == null || cmid.isBlank()) {
            cmid = UUID.randomUUID().toString();
        } else if (cmid.length() > 128 || cmid.contains("|")) {
            throw new PeerException(PeerException.BAD_REQUEST, "client message id must be at most 128 characters without '|'");
        }
        MeshSession mesh = meshSelector.apply(req.mesh());
        if (!mesh.link().connected()) {
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE,
                    "not connected to the coordinator of mesh '" + mesh.name() + "' (" + mesh.link().describeState() + ")");
        }
        String self = mesh.selfPubkey();
        boolean fanOut = "*".equals(req.to() == null ? null : req.to().trim());
        List<Frames.PeerInfo> recipients;
        if (fanOut) {
            recipients = TargetResolver.everyoneOnline(mesh.link().roster(), self);
        } else {
            Frames.PeerInfo p = TargetResolver.resolveOne(req.to(), mesh.link().roster(), self, true);
            if (!p.online()) {
                throw new PeerException(PeerException.PEER_OFFLINE, p.name() + " (" + p.pubkey().substring(0, 12)
                        + ") is offline; queueing for offline peers is not available yet");
            }
            recipients = List.of(p);
        }
        Priority priority = req.priority() == null ? Priority.NEXT : req.priority();
        Channel channel = fanOut ? Channel.GROUP : Channel.DM;
        long now = System.currentTimeMillis();
        Meta meta = Meta.of(cmid, priority, now);
        Base64.Encoder b64 = Base64.getEncoder();

        List<CompletableFuture<TransportReceipt>> futures = new ArrayList<>();
        for (Frames.PeerInfo r : recipients) {
            SealedBody sealed = mesh.cipher().seal(PublicKey.fromHex(r.pubkey()), plain);
            Envelope unsigned = new Envelope(Envelope.VERSION, channel, fanOut ? "*" : r.pubkey(), self,
                    new Body(b64.encodeToString(sealed.nonce()), b64.encodeToString(sealed.ciphertext()), Body.TEXT_V1),
                    meta, null);
            futures.add(transport.send(mesh, r.pubkey(), EnvelopeSignature.sign(unsigned, mesh.identity())));
        }
        List<SendReceipt.Recipient> out = new ArrayList<>();
        int failures = 0;
        TransportException firstFailure = null;
        for (int i = 0; i < recipients.size(); i++) {
            Frames.PeerInfo r = recipients.get(i);
            try {
                TransportReceipt tr = futures.get(i).get(WAIT_MS, TimeUnit.MILLISECONDS);
                out.add(new SendReceipt.Recipient(r.pubkey(), r.name(), tr.messageId(), tr.status(), tr.path(), null));
            } catch (ExecutionException | TimeoutException | InterruptedException e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                TransportException te = e.getCause() instanceof TransportException x ? x
                        : new TransportException(TransportException.TIMEOUT, "the coordinator did not answer in time", true);
                failures++;
                if (firstFailure == null) firstFailure = te;
                out.add(new SendReceipt.Recipient(r.pubkey(), r.name(), null, te.code(), transport.pathName(), te.getMessage()));
            }
        }
        if (failures == recipients.size()) {
            // Nothing went out: report it as a refusal with the most useful code.
            Frames.PeerInfo r = recipients.get(0);
            throw toPeerException(firstFailure, fanOut ? "everyone" : r.name());
        }
        return new SendReceipt(mesh.name(), cmid, channel.wireName(), out);
    }

    private static PeerException toPeerException(TransportException te, String who) {
        String code = switch (te.code()) {
            case ErrorCode.PEER_OFFLINE -> PeerException.PEER_OFFLINE;
            case ErrorCode.UNKNOWN_RECIPIENT -> PeerException.UNKNOWN_PEER;
            case TransportException.UNREACHABLE, TransportException.TIMEOUT -> PeerException.COORDINATOR_UNREACHABLE;
            default -> PeerException.COORDINATOR_REFUSED;
        };
        String msg = switch (code) {
            case PeerException.PEER_OFFLINE -> who + " is offline; queueing for offline peers is not available yet";
            default -> "send to " + who + " failed: " + te.getMessage();
        };
        return new PeerException(code, msg);
    }
}
