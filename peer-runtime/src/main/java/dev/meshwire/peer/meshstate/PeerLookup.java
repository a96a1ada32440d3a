package dev.meshwire.peer.meshstate;

import dev.meshwire.peer.PeerException;

/**
 * What a peer name is being resolved for, which is all that differs between verbs: whether naming yourself
 * is refused (and with which code), and whether a full public key that the mesh state does not know yet is
 * accepted. How a name matches (exact, then case-insensitive display name, then a ≥ 8-hex key prefix, any
 * case) is the same for every verb: {@link MeshRoster#resolve} is the one resolver.
 *
 * @param verb             what the user tried, for the refusal ({@code send to}, {@code ping}, {@code kick})
 * @param selfCode         the error code when the name is yourself, or null when yourself is allowed
 * @param acceptUnknownKey a full 64-hex key the state does not know yet resolves (a member who joined a
 *                         moment ago; the coordinator has the last word)
 */
public record PeerLookup(String verb, String selfCode, boolean acceptUnknownKey) {
    /** {@code send}: never to yourself; a full key not in the state yet is accepted. */
    public static final PeerLookup SEND = new PeerLookup("send to", PeerException.SELF_SEND, true);
    /** A session's send: its own member is someone else to it (a full key not in the state yet is accepted). */
    public static final PeerLookup SEND_AS_SESSION = new PeerLookup("send to", null, true);
    /** {@code ping}: someone else, known to the state. */
    public static final PeerLookup PING = new PeerLookup("ping", PeerException.BAD_REQUEST, false);

    /** Moderation and other verbs that act on another member ({@code kick}, {@code role}, ...). */
    public static PeerLookup other(String verb) {
        return new PeerLookup(verb, PeerException.BAD_REQUEST, false);
    }
}
