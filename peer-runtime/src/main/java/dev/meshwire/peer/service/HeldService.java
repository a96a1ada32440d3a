package dev.meshwire.peer.service;

import dev.meshwire.peer.coordinator.MeshSession;

/**
 * One delegated service held by this daemon: its key file (attestation and secret) and the mesh as the service —
 * its identity, cipher and own coordinator link, with its owner's roster. Immutable; the link has its own state.
 */
public record HeldService(ServiceKeyFile file, MeshSession asMesh, long heldSince) {
    public String name() {
        return file.attestation().serviceId();
    }

    public String pubkey() {
        return file.attestation().servicePubkey();
    }

    public String meshName() {
        return asMesh.name();
    }

    /** "service 'hook'": how refusals name it. */
    public String label() {
        return "service '" + name() + "'";
    }
}
