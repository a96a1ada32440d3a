package dev.meshwire.peer.system;

import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.inbox.Inbox;
import dev.meshwire.peer.inbox.InboxMessage;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.peer.meshstate.MeshStates;
import dev.meshwire.signaling.meshstate.MemberEntry;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.MeshStateException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each newly applied, verified mesh-state event into a system entry (docs/protocol.md §12.5): an inbox row on
 * channel {@code system} from the mesh authority's key, with a human description ({@link SystemText}), the event's kind
 * and version, and an SSE {@code system} event carrying the same item. At most one entry per (mesh, version): the
 * inbox's unique index makes a replay a no-op, and the replica never reports an event it already held.
 *
 * <p>History is not news: an event is listed only when the state before it already had this member as a member, so
 * a join's catch-up (by events or by snapshot) lists nothing up to and including this member's own {@code member_joined}
 * — {@code meshwire mesh log} shows that history — while events after it, also those that happened while the daemon
 * was stopped, are listed. A snapshot that moves a member's replica forward (it was too far behind for events) adds one
 * {@code snapshot_installed} entry saying who joined and who is no longer a member, rather than an entry per event it
 * no longer has.
 *
 * <p>A crash between the replica storing an event and this feed listing it is caught up when the mesh is next loaded
 * ({@link #loaded}: the inbox keeps a per-mesh cursor of the newest version listed, which flush and delete leave alone).
 *
 * <p>Runs on the thread that applied the change (a worker, never the event loop): it writes to SQLite.
 */
public final class SystemFeed implements MeshStates.ChangeListener {
    private static final Logger log = LoggerFactory.getLogger(SystemFeed.class);
    /** {@code eventKind} of the entry a forward snapshot adds. */
    public static final String SNAPSHOT_INSTALLED = "snapshot_installed";
    /** {@code path} of system entries: they come from the replicated mesh state, not over a message path. */
    public static final String PATH = "mesh state";

    private final Inbox inbox;
    private final EventBus events;
    private final LongSupplier clock;

    public SystemFeed(Inbox inbox, EventBus events, LongSupplier clock) {
        this.inbox = inbox;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void changed(MeshRoster roster, MeshState before, MeshState after, List<MeshEvent> applied) {
        String self = roster.selfPubkey();
        if (applied.isEmpty()) {
            if (member(before, self) && after.version() > before.version()) {
                store(roster, after.authority(), SNAPSHOT_INSTALLED, after.version(), null, snapshotText(before, after));
            }
            return;
        }
        MeshState cur = before;
        for (MeshEvent e : applied) {
            MeshState next;
            try {
                next = cur.apply(e); // verified already: this only rebuilds the state between two events of one batch
            } catch (MeshStateException x) {
                next = after;
            }
            if (member(cur, self)) {
                store(roster, cur.authority(), e.kind(), e.version(), e.at(), SystemText.describe(e, cur, next));
            } else {
                log.debug("mesh {}: v{} {} predates this member's join; not listed", roster.replica().meshName(), e.version(), e.kind());
            }
            cur = next;
        }
        inbox.advanceSystemCursor(roster.replica().meshId(), after.version()); // the history it skipped is covered too
    }

    /**
     * Catches up with events the replica stored but this feed did not list (the daemon stopped between the two): the
     * stored events after the mesh's system cursor, by the same rule. A mesh without a cursor (first open, or an inbox
     * from before system entries) starts its cursor at the replica's version: nothing old is listed.
     */
    @Override
    public void loaded(MeshRoster roster) {
        String mesh = roster.replica().meshId();
        Long cursor = inbox.systemCursor(mesh);
        if (cursor == null) {
            inbox.advanceSystemCursor(mesh, roster.replica().version());
            return;
        }
        if (roster.replica().version() <= cursor) return;
        String self = roster.selfPubkey();
        roster.replica().replay((before, after, applied) -> {
            MeshEvent e = applied.get(0);
            if (e.version() <= cursor || !member(before, self)) return;
            log.info("mesh {}: listing v{} {} (applied before the daemon stopped, not listed then)", roster.replica().meshName(),
                    e.version(), e.kind());
            store(roster, before.authority(), e.kind(), e.version(), e.at(), SystemText.describe(e, before, after));
        });
    }

    /** Whether {@code self} had joined in {@code state}: what happened before that is history, not news. */
    private static boolean member(MeshState state, String self) {
        return state != null && state.entry(self).map(MemberEntry::wasMember).orElse(false);
    }

    private void store(MeshRoster roster, String authority, String kind, long version, Long at, String text) {
        InboxMessage row = new InboxMessage(0, roster.replica().meshId(), roster.replica().meshName(), authority, null,
                "mesh-event-v" + version, null, InboxMessage.SYSTEM, "next", text, PATH, at, clock.getAsLong(), null, null, null, null,
                List.of(), kind, version, false);
        InboxMessage stored = inbox.insertSystem(row);
        if (stored == null) return; // already listed (a replay)
        log.debug("mesh {}: system v{} {}: {}", roster.replica().meshName(), version, kind, text);
        events.publish(new DaemonEvent(DaemonEvent.SYSTEM, InboundProcessor.item(stored)));
    }

    /** {@code caught up from v5 to v42 by a signed snapshot: dave joined; carol is no longer a member}. */
    String snapshotText(MeshState before, MeshState after) {
        long now = clock.getAsLong();
        List<String> joined = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (MemberEntry e : after.entries()) {
            if (e.activeAt(now) && before.entry(e.pubkey()).filter(b -> b.activeAt(now)).isEmpty()) joined.add(name(e));
        }
        for (MemberEntry b : before.entries()) {
            if (b.activeAt(now) && after.entry(b.pubkey()).filter(e -> e.activeAt(now)).isEmpty()) gone.add(name(b));
        }
        StringBuilder sb = new StringBuilder("caught up from v").append(before.version()).append(" to v").append(after.version())
                .append(" by a signed snapshot");
        if (!joined.isEmpty()) sb.append(": ").append(String.join(", ", joined)).append(" joined");
        if (!gone.isEmpty()) {
            sb.append(joined.isEmpty() ? ": " : "; ").append(String.join(", ", gone))
                    .append(gone.size() == 1 ? " is no longer a member" : " are no longer members");
        }
        return sb.toString();
    }

    private static String name(MemberEntry e) {
        return e.name() != null ? e.name() : SystemText.Names.shortKey(e.pubkey());
    }
}
