package dev.meshwire.peer.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.home.MeshConfig;
import dev.meshwire.peer.inbox.Inbox;
import dev.meshwire.peer.inbox.InboxKind;
import dev.meshwire.peer.inbox.InboxMessage;
import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.peer.meshstate.MeshHistory;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.peer.meshstate.MeshStates;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventPayload;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bob's daemon's system entries over a real replica and a real inbox (SQLite): the history up to bob's own join is not
 * listed, later events are (one entry and one SSE {@code system} event each, from the authority's key), a replay adds
 * nothing, a forward snapshot adds one {@code snapshot_installed} entry naming who joined and who is gone, and a restart
 * (a new replica over the same files) lists nothing again.
 */
class SystemFeedTest {
    static final String MESH = "m_team";
    @TempDir
    Path tmp;
    MeshHistory h;
    Identity alice, bob, carol, dave, erin;
    MeshStates states;
    Inbox inbox;
    final EventBus events = new EventBus();
    final List<DaemonEvent> published = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        alice = Identity.generate();
        bob = Identity.generate();
        carol = Identity.generate();
        dave = Identity.generate();
        erin = Identity.generate();
        h = new MeshHistory(MESH, "team", alice, "alice");
        h.join(bob, "bob");
        h.join(carol, "carol");
        inbox = new Inbox(tmp.resolve("inbox.db"));
        events.subscribe(published::add);
        open();
    }

    private MeshRoster open() {
        return open(true);
    }

    /** Opens bob's replica from the files, with the feed listening or not (a daemon that stops before the feed runs). */
    private MeshRoster open(boolean feed) {
        states = new MeshStates(tmp.resolve("meshstate.db"), () -> h.clock, null);
        if (feed) states.onChange(new SystemFeed(inbox, events, () -> h.clock));
        return states.open(new MeshConfig(MESH, "team", "ws://127.0.0.1:1", "bob", "member", bob.publicKeyHex(), 0,
                h.genesisAuthority.publicKeyHex()));
    }

    @AfterEach
    void tearDown() {
        states.close();
        inbox.close();
    }

    List<InboxMessage> entries() {
        return inbox.list(null, null, InboxKind.SYSTEM, 100, false, false);
    }

    @Test
    void newsAfterTheJoinOnceEachAndASnapshotSummarised() {
        MeshRoster roster = states.get(MESH);
        // Bob's join catch-up: v1 created, v2 alice, v3 bob, v4 carol. Only what follows bob's own join is news.
        assertTrue(roster.replica().onMeshSync(new Frames.MeshSync(null, MESH, h.events, null)));
        List<InboxMessage> first = entries();
        assertEquals(1, first.size(), first.toString());
        InboxMessage carolJoined = first.get(0);
        assertEquals("carol joined", carolJoined.text());
        assertEquals("member_joined", carolJoined.eventKind());
        assertEquals(4L, carolJoined.eventVersion());
        assertEquals(h.authority.publicKeyHex(), carolJoined.senderPubkey());
        assertEquals(InboxMessage.SYSTEM, carolJoined.channel());
        assertTrue(inbox.list(null, null, InboxKind.MESSAGES, 100, false, false).isEmpty(), "system entries are not messages");

        var kick = h.add(alice.publicKeyHex(), new EventPayload.MemberKicked(carol.publicKeyHex(), "spam"));
        assertTrue(roster.replica().onSystem(new Frames.SystemEvent(MESH, kick)));
        assertTrue(roster.replica().onSystem(new Frames.SystemEvent(MESH, kick)), "a replay is accepted quietly");
        assertTrue(roster.replica().onMeshSync(new Frames.MeshSync(null, MESH, h.from(3), null)), "and a repeated sync too");
        List<InboxMessage> second = entries();
        assertEquals(List.of("carol joined", "carol was kicked by alice: spam"), second.stream().map(InboxMessage::text).toList());

        // Bob falls behind; the coordinator answers with a snapshot: one summary entry.
        h.join(dave, "dave");
        h.join(erin, "erin");
        h.add(erin.publicKeyHex(), new EventPayload.MemberLeft(erin.publicKeyHex()));
        assertTrue(roster.replica().onMeshSync(new Frames.MeshSync(null, MESH, null, h.snapshot())));
        List<InboxMessage> third = entries();
        assertEquals(3, third.size(), third.toString());
        InboxMessage snap = third.get(2);
        assertEquals(SystemFeed.SNAPSHOT_INSTALLED, snap.eventKind());
        assertEquals(8L, snap.eventVersion());
        assertEquals("caught up from v5 to v8 by a signed snapshot: dave joined", snap.text());

        List<InboxItem> sse = published.stream().filter(e -> DaemonEvent.SYSTEM.equals(e.type())).map(e -> (InboxItem) e.data()).toList();
        assertEquals(third.stream().map(InboxMessage::id).toList(), sse.stream().map(InboxItem::id).toList(),
                "one SSE system event per stored entry, with its inbox id");
        assertEquals("member_kicked", sse.get(1).eventKind());

        // A restart: the replica is rebuilt from disk and re-synced; nothing is listed twice.
        states.close();
        MeshRoster again = open();
        assertTrue(again.replica().onMeshSync(new Frames.MeshSync(null, MESH, List.of(), null)));
        assertTrue(again.replica().onMeshSync(new Frames.MeshSync(null, MESH, null, h.snapshot())));
        assertEquals(3, entries().size());
    }

    @Test
    void whatWasStoredButNotListedIsListedAtTheNextLoadAndAFlushIsNotUndone() {
        assertTrue(states.get(MESH).replica().onMeshSync(new Frames.MeshSync(null, MESH, h.events, null)));
        assertEquals(List.of("carol joined"), entries().stream().map(InboxMessage::text).toList());
        states.close();

        // The replica stores v5 but the daemon stops before the feed lists it.
        MeshRoster blind = open(false);
        var kick = h.add(alice.publicKeyHex(), new EventPayload.MemberKicked(carol.publicKeyHex(), null));
        assertTrue(blind.replica().onSystem(new Frames.SystemEvent(MESH, kick)));
        assertEquals(1, entries().size());
        states.close();

        open(true);
        assertEquals(List.of("carol joined", "carol was kicked by alice"), entries().stream().map(InboxMessage::text).toList(),
                "caught up when the mesh was loaded");
        assertEquals(5L, inbox.systemCursor(MESH));

        assertEquals(2, inbox.flush(null, true));
        states.close();
        open(true);
        assertTrue(entries().isEmpty(), "a flushed entry is not listed again");
    }

    @Test
    void anInboxWithoutACursorStartsAtTheReplicasVersion() {
        assertTrue(states.get(MESH).replica().onMeshSync(new Frames.MeshSync(null, MESH, h.events, null)));
        states.close();
        var kick = h.add(alice.publicKeyHex(), new EventPayload.MemberKicked(carol.publicKeyHex(), null));
        MeshRoster blind = open(false);
        assertTrue(blind.replica().onSystem(new Frames.SystemEvent(MESH, kick)));
        states.close();
        inbox.close();
        // An inbox from before system entries: no cursor, no entries. Loading lists nothing old.
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("inbox.db"));
             var st = c.createStatement()) {
            st.execute("DELETE FROM inbox");
            st.execute("DELETE FROM system_cursor");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        inbox = new Inbox(tmp.resolve("inbox.db"));
        open(true);
        assertTrue(entries().isEmpty(), entries().toString());
        assertEquals(5L, inbox.systemCursor(MESH));
    }
}
