package dev.meshwire.peer.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshwire.peer.PeerException;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.fuzz.Fuzz;
import dev.meshwire.signaling.fuzz.Mutator;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: an IPC request body, read by {@link RequestFields} and every accessor the routes use on it,
 * is accepted or refused with a {@code bad_request} {@link PeerException} — nothing else escapes. Seeds are
 * the bodies of the real routes (send, invite, join, create, moderation, ping, outbox).
 */
class RequestFieldsFuzzTest {
    private static final List<Consumer<RequestFields>> READS = List.of(
            b -> b.name("mesh"), b -> b.bool("all", false), b -> b.bool("never", false),
            b -> b.integer("uses", 1, IpcServer.MAX_INVITE_USES, 1),
            b -> b.integer("expiresInMs", IpcServer.MIN_INVITE_MS, IpcServer.MAX_INVITE_MS, 3_600_000),
            b -> b.integer("expiresAt", 1, RequestFields.MAX_EPOCH_MS), b -> b.integer("count", 1, IpcServer.MAX_PING_COUNT, 10),
            b -> b.object("meta"), b -> b.oneOf("priority", IpcServer.PRIORITIES), b -> b.oneOf("role", IpcServer.ROLES),
            b -> b.name("replyToId"), b -> b.name("displayName"), b -> b.name("adminToken"), b -> b.string("reason"),
            b -> b.string("clientMessageId"), b -> b.string("newClientMessageId"), b -> b.requiredString("message"),
            b -> b.requiredName("to"), b -> b.requiredName("peer"), b -> b.requiredName("invite"), b -> b.requiredName("name"),
            b -> b.requiredName("coordinator"), b -> b.requiredName("clientMessageId"));

    @Test
    void routeBodiesMutatedAreReadOrRefusedAsBadRequest() {
        List<String> bodies = List.of(
                "{\"to\":\"bob\",\"message\":\"hi é 😀\",\"priority\":\"now\",\"clientMessageId\":\"c1\",\"replyToId\":\"r0\","
                        + "\"meta\":{\"streamId\":\"s\",\"mentions\":[\"bob\"]},\"mesh\":\"team\"}",
                "{\"mesh\":\"team\",\"uses\":3,\"expiresInMs\":3600000,\"never\":false}",
                "{\"invite\":\"" + TestVectors.INVITE_V2_TEXT + "\",\"displayName\":\"alice\"}",
                "{\"name\":\"team\",\"coordinator\":\"ws://127.0.0.1:7600\",\"displayName\":\"alice\",\"adminToken\":\"t0k3n\"}",
                "{\"mesh\":\"team\",\"peer\":\"bob\",\"reason\":\"spam\",\"role\":\"admin\",\"expiresAt\":1767225600000}",
                "{\"mesh\":\"team\",\"peer\":\"bob\",\"count\":3}",
                "{\"clientMessageId\":\"c1\",\"newClientMessageId\":\"c2\",\"all\":true}",
                "{}");
        Fuzz.run("ipc-body", Mutator.json(bodies), RequestFieldsFuzzTest::read, Fuzz.Contract.refusing(PeerException.class))
                .assertNoCrash().assertBothOutcomes();
    }

    /**
     * Parses the body and runs every route's reads on it; the first refusal is rethrown after all ran. A
     * required field that is absent does not count: each body belongs to one route, and the reads of
     * all routes run on it.
     */
    static void read(byte[] body) {
        RequestFields fields = RequestFields.parse(body);
        PeerException first = null;
        for (Consumer<RequestFields> read : READS) {
            try {
                read.accept(fields);
            } catch (PeerException e) {
                assertEquals(PeerException.BAD_REQUEST, e.code(), e.getMessage());
                if (first == null && !e.getMessage().endsWith("is required")) first = e;
            }
        }
        if (first != null) throw first;
    }
}
