package dev.meshwire.peer.outbox;

import dev.meshwire.peer.ipc.IpcClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON of an outbox row and its per-recipient copies (docs/ipc.md, GET /v1/messages/{id}). */
public final class OutboxRowJson {
    private OutboxRowJson() {}

    public static Map<String, Object> of(OutboxStore.Request r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientMessageId", r.clientMessageId());
        m.put("mesh", r.meshName());
        m.put("state", r.state().wire());
        m.put("delivery", r.delivery());
        m.put("attempts", r.attempts());
        m.put("lastError", r.lastError());
        m.put("channel", r.channel());
        m.put("priority", r.priority());
        m.put("destination", IpcClient.map("kind", r.destinationKind(), "ref", r.destinationRef()));
        m.put("replyToId", r.replyToId());
        m.put("fingerprintPrefix", Fingerprint.prefix(r.fingerprint()));
        m.put("messageId", r.messageId());
        m.put("createdAt", r.createdAt());
        m.put("updatedAt", r.updatedAt());
        m.put("nextAttemptAt", r.state() == OutboxStore.State.PENDING ? r.nextAttemptAt() : null);
        m.put("doneAt", r.doneAt());
        m.put("deliveredAt", r.deliveredAt());
        m.put("abortedAt", r.abortedAt());
        m.put("abortedBy", r.abortedBy());
        m.put("supersededBy", r.supersededBy());
        m.put("requeuedFrom", r.requeuedFrom());
        List<Object> copies = new ArrayList<>();
        for (OutboxStore.Copy c : r.copies()) copies.add(copyJson(c));
        m.put("recipients", copies);
        return m;
    }

    private static Map<String, Object> copyJson(OutboxStore.Copy c) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("name", c.recipientName());
        x.put("pubkey", c.recipientPubkey());
        x.put("state", c.state().wire());
        x.put("delivery", c.delivery());
        x.put("attempts", c.attempts());
        x.put("lastError", c.lastError());
        x.put("messageId", c.messageId());
        x.put("ackStatus", c.ackStatus());
        x.put("nextAttemptAt", c.state() == OutboxStore.State.PENDING ? c.nextAttemptAt() : null);
        x.put("doneAt", c.doneAt());
        x.put("deliveredAt", c.deliveredAt());
        return x;
    }
}
