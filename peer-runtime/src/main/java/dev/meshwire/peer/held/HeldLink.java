package dev.meshwire.peer.held;

import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.LinkListener;
import dev.meshwire.peer.coordinator.LinkSettings;
import dev.meshwire.peer.coordinator.LinkState;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.transport.CoordinatorRelayTransport;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.session.Attested;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * The coordinator link of a key this daemon holds for its member (a session or a delegated service), and what it
 * does with what the coordinator sends: deliveries go through the same inbound checks as the member's
 * ({@link InboundProcessor#processForSession}: verified against the member's roster, which the member's own link
 * keeps current) and are stored tagged with the held key; presence and mesh state are the member link's business;
 * a terminal close (the member kicked, banned, revoked; the key refused or revoked) is handed to {@code onTerminal}
 * with a readable reason, once per close, off the event loop.
 */
public final class HeldLink implements LinkListener {
    private final Vertx vertx;
    private final InboundProcessor inbound;
    private final Consumer<String> onTerminal;
    private volatile MeshSession asMesh;

    private HeldLink(Vertx vertx, InboundProcessor inbound, Consumer<String> onTerminal) {
        this.vertx = vertx;
        this.inbound = inbound;
        this.onTerminal = onTerminal;
    }

    /**
     * The mesh as {@code key} (its identity, cipher and a not yet started link that says {@code session_hello}
     * with {@code attestation}; the member's config and roster). The caller starts the link.
     *
     * @param label the session's label in {@code session_hello.name} (null for a service: its name is in the state)
     */
    public static MeshSession open(Vertx vertx, LinkSettings settings, MeshSession member, Identity key, Attested attestation, String label,
                                   InboundProcessor inbound, Consumer<String> onTerminal) {
        HeldLink listener = new HeldLink(vertx, inbound, onTerminal);
        CoordinatorLink link = new CoordinatorLink(vertx, member.config().coordinator(), member.config().meshId(), key, null, label, settings,
                listener).asDelegate(attestation);
        MeshSession as = new MeshSession(member.config(), key, new BoxCipher(key), link, member.roster());
        listener.asMesh = as;
        return as;
    }

    @Override
    public void onDeliver(CoordinatorLink link, Frames.Deliver d) {
        MeshSession as = asMesh;
        // JDBC blocks: off the event loop, in order for this key.
        vertx.executeBlocking(() -> {
            inbound.processForSession(as, d, CoordinatorRelayTransport.PATH);
            return null;
        }, true);
    }

    @Override
    public void onState(CoordinatorLink link, LinkState state, String detail) {
        if (state.terminal() && state != LinkState.CLOSED) {
            String why = "the coordinator closed it: " + state.wireName() + (detail != null ? " (" + detail + ")" : "");
            vertx.executeBlocking(() -> {
                onTerminal.accept(why);
                return null;
            }, false);
        }
    }
}
