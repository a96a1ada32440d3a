package dev.meshwire.peer.outbox;

import dev.meshwire.signaling.envelope.Envelope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The envelopes this process has just sealed and signed, by the exact JSON text stored in their outbox copy, until the
 * drain takes them for their first send: the drain then forwards the object the accept built instead of parsing the
 * text back (a JSON parse of every stored envelope was about a third of the drain thread's CPU on the daemon path).
 *
 * <p>Only a speed-up, never a source of truth: the key is the stored text itself, so a hit is exactly the envelope that
 * text was written from, and a miss (a restart, a retry, an eviction, a copy claimed before it was remembered) falls back
 * to parsing the row. Bounded: at most {@link #MAX_ENTRIES} entries and {@link #MAX_CHARS} characters of JSON, the
 * oldest dropped first; an envelope over {@link #MAX_ENTRY_CHARS} is not kept (its parse is small next to its
 * sealing). Thread-safe.
 */
public final class SealedEnvelopes {
    public static final int MAX_ENTRIES = 4_096;
    public static final long MAX_CHARS = 8L * 1024 * 1024;
    public static final int MAX_ENTRY_CHARS = 256 * 1024;

    private final int maxEntries;
    private final long maxChars;
    private final Map<String, Envelope> byJson = new LinkedHashMap<>();
    private long chars;

    public SealedEnvelopes() {
        this(MAX_ENTRIES, MAX_CHARS);
    }

    SealedEnvelopes(int maxEntries, long maxChars) {
        this.maxEntries = maxEntries;
        this.maxChars = maxChars;
    }

    /** Remembers {@code envelope} as the object {@code json} was serialized from (copies without an object are skipped). */
    public synchronized void remember(String json, Envelope envelope) {
        if (json == null || envelope == null || json.length() > MAX_ENTRY_CHARS) return;
        if (byJson.put(json, envelope) == null) chars += json.length();
        var it = byJson.entrySet().iterator();
        while ((byJson.size() > maxEntries || chars > maxChars) && it.hasNext()) {
            chars -= it.next().getKey().length();
            it.remove();
        }
    }

    /** Remembers every copy of {@code request} that carries its envelope object. */
    public void remember(OutboxStore.NewRequest request) {
        for (OutboxStore.NewCopy c : request.copies()) remember(c.envelopeJson(), c.envelope());
    }

    /** Forgets the copies of {@code request} (its accept did not insert it). */
    public synchronized void forget(OutboxStore.NewRequest request) {
        for (OutboxStore.NewCopy c : request.copies()) {
            if (c.envelopeJson() != null && byJson.remove(c.envelopeJson()) != null) chars -= c.envelopeJson().length();
        }
    }

    /** The envelope {@code json} was serialized from, removed from the cache, or null when it is not (or no longer) here. */
    public synchronized Envelope take(String json) {
        Envelope e = byJson.remove(json);
        if (e != null) chars -= json.length();
        return e;
    }

    public synchronized int size() {
        return byJson.size();
    }
}
