package dev.meshwire.peer.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.WireClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inbox over real IPC: retention pruning at start, unread listing + seen marking, peek, flush, delete. */
class InboxIpcTest {
    @TempDir
    Path tmp;

    static List<String> texts(JsonNode r) {
        List<String> out = new ArrayList<>();
        r.path("items").forEach(m -> out.add(m.path("text").asText()));
        return out;
    }

    @Test
    void pruneAtStartUnreadPeekFlushDelete() {
        Path home = tmp.resolve("h");
        MeshwireHome.at(home).ensureLayout();
        long now = System.currentTimeMillis();
        try (Inbox inbox = new Inbox(MeshwireHome.at(home).inboxDb())) {
            inbox.insert(new InboxMessage(0, "m_1", "demo", "aa", "alice", "ancient", "q0", "dm", "next", "ancient", "coordinator relay",
                    null, now - 40L * 86_400_000, null));
            for (int i = 1; i <= 3; i++) {
                inbox.insert(new InboxMessage(0, "m_1", "demo", "aa", "alice", "c" + i, "q" + i, "dm", "next", "m" + i,
                        "coordinator relay", null, now, null));
            }
        }
        try (Daemon d = Daemon.start(DaemonOptions.of(home))) {
            WireClient c = WireClient.of(d.client());
            assertEquals(List.of("m1", "m2", "m3"), texts(c.inbox(null, 50, false, true)), "the 40-day-old row was pruned at start");
            assertEquals(3, c.inbox(null, 50, true, true).path("unread").asInt(), "peek marks nothing");
            assertEquals(List.of("m2", "m3"), texts(c.inbox(null, 2, true, false)));
            assertEquals(List.of("m1"), texts(c.inbox(null, 50, true, false)));
            assertEquals(List.of(), texts(c.inbox(null, 50, true, false)));

            long id = c.inbox(null, 50, false, true).path("items").get(0).path("id").asLong();
            assertEquals(1, c.delete("/v1/inbox/" + id).path("deleted").asInt());
            IpcException e = assertThrows(IpcException.class, () -> c.delete("/v1/inbox/" + id));
            assertEquals(404, e.status());
            assertEquals("unknown_inbox_message", e.code());

            assertEquals(2, c.post("/v1/inbox/flush", Map.of()).path("deleted").asInt());
            assertEquals(0, c.inbox(null, 50, false, true).path("items").size());
        }
    }
}
