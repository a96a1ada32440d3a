package dev.meshwire.peer.meshstate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.subpeer.SubpeerSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The news rules of sub-peer presence (docs/protocol.md §6.5 "meshwire daemons"), on real signed statements: a change
 * lists who joined and left; the state on arrival for an unknown service is no news; after our own link was down,
 * who is still there is no news and who went meanwhile left; a stale statement changes nothing; the service going away
 * takes everyone offline, and its next presence is news again.
 */
class SubpeerDirectoryTest {
    final Identity svc = Identity.generate();
    long seq = 1;

    SubpeerSet set(String... names) {
        return SubpeerSet.sign(svc, "m_test", seq++, List.of(names));
    }

    @Test
    void changesAreNewsTheStateOnArrivalIsNot() {
        SubpeerDirectory d = new SubpeerDirectory();
        SubpeerDirectory.Change first = d.apply(set("lk:a", "lk:b"), true, 1);
        assertTrue(first.empty(), "an initial statement for an unknown service is the baseline: " + first);
        assertEquals(2, d.entries().stream().filter(SubpeerDirectory.Entry::online).count());

        SubpeerDirectory.Change c = d.apply(set("lk:b", "lk:c"), false, 2);
        assertEquals(List.of("lk:c"), c.joined());
        assertEquals(List.of("lk:a"), c.left());
        assertFalse(d.named("lk:a").get(0).online(), "a is offline, still listed");
        assertEquals(2L, d.named("lk:a").get(0).lastSeen());

        SubpeerSet stale = SubpeerSet.sign(svc, "m_test", 1, List.of("lk:z"));
        assertNull(d.apply(stale, false, 3), "an older seq changes nothing");
        assertTrue(d.named("lk:z").isEmpty());
    }

    @Test
    void aChangeForAServiceNeverSeenIsNews() {
        SubpeerDirectory d = new SubpeerDirectory();
        assertEquals(List.of("lk:a"), d.apply(set("lk:a"), false, 1).joined(), "a broadcast change, not the state on arrival");
    }

    @Test
    void afterOurLinkWasDownOnlyWhatChangedIsNews() {
        SubpeerDirectory d = new SubpeerDirectory();
        d.apply(set("lk:a", "lk:b"), false, 1);
        d.linkDown(2);
        assertTrue(d.entries().stream().noneMatch(SubpeerDirectory.Entry::online), "nothing is known to be online");
        SubpeerDirectory.Change c = d.apply(set("lk:b", "lk:c"), true, 3);
        assertEquals(List.of("lk:c"), c.joined(), "b was there before: no news; c is new");
        assertEquals(List.of("lk:a"), c.left(), "a went while we were away");
    }

    @Test
    void theServiceGoingAwayTakesEveryoneOfflineAndItsReturnIsNews() {
        SubpeerDirectory d = new SubpeerDirectory();
        d.apply(set("lk:a"), true, 1);
        assertEquals(List.of("lk:a"), d.serviceGone(svc.publicKeyHex(), 2));
        assertFalse(d.named("lk:a").get(0).online());
        assertEquals(List.of(), d.serviceGone(svc.publicKeyHex(), 3), "once");
        // Its next presence starts a new sequence (the coordinator forgot the old one): news again, even initial.
        seq = 1;
        assertEquals(List.of("lk:a"), d.apply(set("lk:a"), true, 4).joined());
    }
}
