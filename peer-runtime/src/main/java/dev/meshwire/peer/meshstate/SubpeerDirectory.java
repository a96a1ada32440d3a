package dev.meshwire.peer.meshstate;

import dev.meshwire.signaling.subpeer.SubpeerSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sub-peers services front in one mesh, as this daemon learnt them (docs/protocol.md §6.5): per service key, the
 * newest verified {@link SubpeerSet} (the names online now) and every name seen since the daemon started (listed
 * offline once gone, so {@code peers} shows {@code lk:alice offline} and a dm to her can still be addressed; it waits
 * in the service's inbox). Presence only: whether the service may act at all is the replica's ({@link MeshRoster}).
 * Thread-safe (synchronized; tiny).
 */
public final class SubpeerDirectory {
    /** What one statement changed: names that came online and names that went offline. */
    public record Change(String service, List<String> joined, List<String> left) {
        public boolean empty() {
            return joined.isEmpty() && left.isEmpty();
        }
    }

    /** A sub-peer as {@code peers} lists it. */
    public record Entry(String service, String name, boolean online, Long since, Long lastSeen) {}

    private static final class Fronted {
        long seq;
        /** No statement of this service applied yet in this run: an initial one is the baseline, not news. */
        boolean fresh = true;
        /** Names online when our own link went down: seen again in the next statement, they are not news. */
        final Set<String> stale = new java.util.HashSet<>();
        final Map<String, Long> online = new HashMap<>(); // name → since
        final Map<String, Long> offline = new HashMap<>(); // name → last seen
    }

    private final Map<String, Fronted> byService = new HashMap<>();

    /**
     * Applies a verified statement unless an equal or newer {@code seq} of that service was applied; returns what changed
     * (null for a stale one). News, not history: the state a connection is given on arrival ({@code initial}) for a
     * service this daemon knew nothing of is the baseline and changes nothing as news; after our own link was down, names that were online before and still
     * are are not news, those gone meanwhile are {@code left}.
     */
    public synchronized Change apply(SubpeerSet set, boolean initial, long now) {
        Fronted f = byService.computeIfAbsent(set.service(), k -> new Fronted());
        if (f.seq >= set.seq()) return null;
        f.seq = set.seq();
        boolean silent = f.fresh && initial;
        f.fresh = false;
        Set<String> next = new LinkedHashSet<>(set.names());
        List<String> joined = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (String n : next) {
            if (!f.online.containsKey(n)) {
                if (!silent && !f.stale.contains(n)) joined.add(n);
                f.online.put(n, now);
                f.offline.remove(n);
            }
        }
        for (String n : List.copyOf(f.online.keySet())) {
            if (!next.contains(n)) {
                left.add(n);
                f.online.remove(n);
                f.offline.put(n, now);
            }
        }
        for (String n : f.stale) if (!next.contains(n) && !silent) left.add(n);
        f.stale.clear();
        return new Change(set.service(), joined, left);
    }

    /** The service's presence ended (or its link went down): all its names go offline; returns them. */
    public synchronized List<String> serviceGone(String service, long now) {
        Fronted f = byService.get(service);
        if (f == null) return List.of();
        List<String> gone = new ArrayList<>(f.online.keySet());
        gone.forEach(n -> f.offline.put(n, now));
        f.online.clear();
        f.stale.clear();
        f.seq = 0; // the service's next presence is a new sequence: its first statement is news again (not fresh)
        gone.sort(Comparator.naturalOrder());
        return gone;
    }

    /** Our own link went down: nothing is known to be online (nothing is announced). */
    public synchronized void linkDown(long now) {
        for (Fronted f : byService.values()) {
            f.stale.addAll(f.online.keySet());
            f.online.forEach((n, since) -> f.offline.put(n, now));
            f.online.clear();
            f.seq = 0;
        }
    }

    /** Every sub-peer seen since the daemon started: online ones first, by service then name. */
    public synchronized List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        byService.forEach((svc, f) -> {
            f.online.forEach((n, since) -> out.add(new Entry(svc, n, true, since, null)));
            f.offline.forEach((n, seen) -> out.add(new Entry(svc, n, false, null, seen)));
        });
        out.sort(Comparator.comparing((Entry e) -> !e.online()).thenComparing(Entry::service).thenComparing(Entry::name));
        return out;
    }

    /** The entries named exactly {@code name} (one per service that fronts or fronted it). */
    public synchronized List<Entry> named(String name) {
        return entries().stream().filter(e -> e.name().equals(name)).toList();
    }
}
