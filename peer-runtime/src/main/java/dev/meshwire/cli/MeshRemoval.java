package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.MeshRemovedReply;

/** The text of a {@code leave} or {@code mesh rm} answer. */
final class MeshRemoval {
    private MeshRemoval() {}

    static String text(MeshRemovedReply r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.left() ? "left mesh " + r.mesh() + " on " + r.coordinator()
                : "forgot mesh " + r.mesh() + " on this machine (the coordinator still lists you as a member)");
        sb.append("; your identity ").append(Render.shortKey(r.pubkey())).append(" is deleted here\n");
        if (r.abandoned() > 0) sb.append("aborted ").append(r.abandoned()).append(" pending send(s) to it\n");
        sb.append("to come back: meshwire join <invite>\n");
        return sb.toString();
    }
}
