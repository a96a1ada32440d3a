package dev.meshwire.peer.outbox;

import dev.meshwire.signaling.envelope.Envelope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The envelopes this process has just sealed, signed and inserted, by outbox copy (row id and recipient), until the
 * drain takes them for their first send: the drain then forwards the object the accept built instead of parsing the
 * stored text back (one JSON parse per message on the drain thread).
 *
 * <p>Only a speed-up, never a source of truth: {@link #take} hands the object out only when the stored text of the
 * copy is exactly the text it was serialized to (a string comparison, far cheaper than a parse), so a hit is the very
 * envelope the row holds; a miss (a restart, a retry, an eviction, a copy claimed before it was remembered) falls back
 * to parsing the row. Bounded: at most {@link #MAX_ENTRIES} entries and {@link #MAX_CHARS} characters of JSON, the
 * oldest dropped first; an envelope over {@link #MAX_ENTRY_CHARS} is not kept (its parse is small next to its sealing).
 * Thread-safe.
 */
public final class SealedEnvelopes {
    public static final int MAX_ENTRIES = 4_096;
    public static final long MAX_CHARS = 8L * 1024 * 1024;
    public static final int MAX_ENTRY_CHARS = 256 * 1024;

    private record Key(long outboxId, String recipientPubkey) {}

    private record Entry(String json, Envelope envelope) {}

    private final int maxEntries;
    private final long maxChars;
    private final Map<Key, Entry> byCopy = new LinkedHashMap<>();
    private long chars;

    public SealedEnvelopes() {
        this(MAX_ENTRIES, MAX_CHARS);
    }

    SealedEnvelopes(int maxEntries, long maxChars) {
        this.maxEntries = maxEntries;
        this.maxChars = maxChars;
    }

    /** Remembers the copies of {@code request}, just inserted as row {@code outboxId}, that carry their envelope object. */
    public synchronized void remember(long outboxId, OutboxStore.NewRequest request) {
        for (OutboxStore.NewCopy c : request.copies()) {
            if (c.envelope() == null || c.envelopeJson() == null || c.envelopeJson().length() > MAX_ENTRY_CHARS) continue;
            Entry old = byCopy.put(new Key(outboxId, c.recipientPubkey()), new Entry(c.envelopeJson(), c.envelope()));
            if (old != null) chars -= old.json().length();
            chars += c.envelopeJson().length();
        }
        var it = byCopy.values().iterator();
        while ((byCopy.size() > maxEntries || chars > maxChars) && it.hasNext()) {
            chars -= it.next().json().length();
            it.remove();
        }
    }

    /**
     * The envelope of outbox copy ({@code outboxId}, {@code recipientPubkey}) if it was remembered and {@code storedJson}
     * is exactly the text it was serialized to, else null; the entry is removed either way.
     */
    public synchronized Envelope take(long outboxId, String recipientPubkey, String storedJson) {
        Entry e = byCopy.remove(new Key(outboxId, recipientPubkey));
        if (e == null) return null;
        chars -= e.json().length();
        return e.json().equals(storedJson) ? e.envelope() : null;
    }

    public synchronized int size() {
        return byCopy.size();
    }
}
