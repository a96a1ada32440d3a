package dev.meshwire.peer.session;

import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.ipc.api.SessionItem;
import dev.meshwire.signaling.session.SessionAttestation;

/**
 * One session held by this daemon: its token (the IPC selector), its label and process, and the mesh as that
 * session — its own identity (the secret key lives only in this object, in memory: it is never written to disk),
 * cipher and coordinator link, with the member's roster. Immutable; the link has its own state.
 */
public record HeldSession(String token, String name, Long pid, SessionAttestation attestation, long createdAt, MeshSession asMesh) {
    /** The first 16 hex characters of the session key: what {@code session list} shows and {@code session end} takes. */
    public String id() {
        return asMesh.selfPubkey().substring(0, 16);
    }

    public String pubkey() {
        return asMesh.selfPubkey();
    }

    public String meshName() {
        return asMesh.name();
    }

    public SessionItem item() {
        return new SessionItem(id(), meshName(), name, pubkey(), attestation.parentPubkey(), attestation.expiresAt(), attestation.caps(),
                pid, asMesh.link().state().wireName(), createdAt);
    }
}
