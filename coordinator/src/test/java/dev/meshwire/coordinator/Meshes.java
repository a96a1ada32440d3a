package dev.meshwire.coordinator;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.invite.Invite;
import java.util.concurrent.atomic.AtomicInteger;

/** Test helper: a mesh with an owner, and members joined through a real invite. */
final class Meshes {
    private static final AtomicInteger SEQ = new AtomicInteger();

    /** {@code authority} is the mesh authority key from the creation answer (what a daemon pins). */
    record Mesh(String id, String name, Identity owner, Invite invite, String authority) {}

    static Mesh create(CoordinatorFixture fx, String prefix) throws Exception {
        Identity owner = Identity.generate();
        String name = prefix + "-" + SEQ.incrementAndGet();
        var answer = fx.createMeshAnswer(owner, name, "owner");
        String id = answer.get("mesh").asText();
        Invite inv = Invite.create(owner, fx.coordinator.publicUrl(), id, name, System.currentTimeMillis() + 600_000, 100);
        return new Mesh(id, name, owner, inv, answer.get("authority").asText());
    }

    /** Connects {@code id} and joins (or re-joins) the mesh as {@code name}. */
    static TestPeer joined(CoordinatorFixture fx, Mesh m, Identity id, String name) throws Exception {
        TestPeer p = fx.peer(id);
        p.send(p.joinFrame(m.invite().encode(), m.invite().inviteId(), m.id(), name));
        p.awaitAckOrFail();
        return p;
    }

    static TestPeer owner(CoordinatorFixture fx, Mesh m) throws Exception {
        TestPeer p = fx.peer(m.owner());
        p.hello(m.id());
        return p;
    }
}
