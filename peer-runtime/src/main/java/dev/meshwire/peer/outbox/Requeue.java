package dev.meshwire.peer.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.ipc.api.RequeueReply;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.Frames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Retires a dead or pending outbox row and sends its content again under a new client id
 * (docs/delivery.md). The old row becomes aborted and points at the new one.
 */
final class Requeue {
    private final OutboxStore store;
    private final JoinedMeshes meshes;
    private final Runnable wakeDrain;

    Requeue(OutboxStore store, JoinedMeshes meshes, Runnable wakeDrain) {
        this.store = store;
        this.meshes = meshes;
        this.wakeDrain = wakeDrain;
    }

    RequeueReply requeue(String clientMessageId, String newClientMessageId) {
        OutboxStore.Request old = OutboxEndpoints.find(store, clientMessageId);
        if (old.state() != OutboxStore.State.DEAD && old.state() != OutboxStore.State.PENDING) {
            throw new PeerException(PeerException.NOT_REQUEUEABLE, "only dead or pending messages can be requeued; '"
                    + clientMessageId + "' is " + old.state().wire());
        }
        MeshSession s = meshes.byMeshId(old.meshId())
                .orElseThrow(() -> new PeerException(PeerException.UNKNOWN_MESH, "mesh '" + old.meshName() + "' is no longer joined"));
        String newId = newClientMessageId == null ? UUID.randomUUID().toString() : newClientMessageId;
        DurableOutbox.checkClientId("newClientMessageId", newId);
        byte[] plain = recoverPlaintext(s, old, clientMessageId);
        List<Frames.PeerInfo> recipients = new ArrayList<>();
        for (OutboxStore.Copy c : old.copies()) recipients.add(new Frames.PeerInfo(c.recipientPubkey(), c.recipientName(), "member", false, null, null));
        JsonNode meta;
        try {
            meta = old.metaJson() == null ? null : Json.MAPPER.readTree(old.metaJson());
        } catch (IOException e) {
            throw new PeerException(PeerException.INTERNAL, "stored meta is unreadable: " + e.getMessage());
        }
        // A group request keeps its target (* or @name) and its recipients of the time; a dm is one copy.
        String groupTarget = "group".equals(old.destinationKind()) ? old.destinationRef() : null;
        long now = System.currentTimeMillis();
        var copies = DurableOutbox.seal(s, recipients, groupTarget, newId, Priority.fromWire(old.priority()), old.replyToId(), meta, plain, now);
        // Same content, same fingerprint: it does not cover the client id.
        OutboxStore.NewRequest fresh = new OutboxStore.NewRequest(newId, old.meshId(), old.meshName(), old.destinationKind(),
                old.destinationRef(), old.channel(), old.priority(), old.replyToId(), old.metaJson(), old.fingerprint(), copies,
                clientMessageId);
        OutboxStore.Request row = store.requeue(clientMessageId, fresh, "operator", now);
        wakeDrain.run();
        return new RequeueReply(clientMessageId, newId, OutboxRows.of(row));
    }

    /** The plaintext is not stored: open our own sealed copy (crypto_box keys are symmetric). */
    private static byte[] recoverPlaintext(MeshSession s, OutboxStore.Request old, String clientMessageId) {
        try {
            OutboxStore.Copy first = old.copies().get(0);
            Envelope env = Json.MAPPER.readValue(first.envelopeJson(), Envelope.class);
            Base64.Decoder b64 = Base64.getDecoder();
            // crypto_box is symmetric between the pair: the sender opens its own copy (v3: the sealed key, then the content).
            PublicKey peer = PublicKey.fromHex(first.recipientPubkey());
            byte[] nonce = b64.decode(env.body().nonce());
            byte[] ct = b64.decode(env.body().ciphertext());
            return env.body().bodyVersion() == dev.meshwire.signaling.envelope.Body.SENDER_KEY_V3
                    ? dev.meshwire.signaling.crypto.SenderKeyBody.open(s.cipher(), peer, nonce, ct)
                    : s.cipher().open(peer, nonce, ct);
        } catch (IOException | RuntimeException e) {
            throw new PeerException(PeerException.INTERNAL, "cannot recover the content of '" + clientMessageId + "': " + e.getMessage());
        }
    }
}
