package dev.meshwire.coordinator.session;

import io.vertx.core.http.ServerWebSocket;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Accepts peer WebSockets on {@code /ws} and tracks every open session (authenticated or not) for shutdown. */
public final class WebSocketEndpoint {
    public static final String PATH = "/ws";

    private final Session.Deps deps;
    private final Set<Session> open = new LinkedHashSet<>();

    public WebSocketEndpoint(Session.Deps deps) {
        this.deps = deps;
    }

    public void accept(ServerWebSocket ws) {
        Session[] holder = new Session[1];
        Session session = new Session(ws, deps, () -> open.remove(holder[0]));
        holder[0] = session;
        open.add(session);
        session.start();
    }

    public int openSessions() {
        return open.size();
    }

    /** Closes every session (coordinator shutdown) without peer_left fan-out. */
    public void closeAll(short code, String reason) {
        for (Session s : List.copyOf(open)) s.disconnect(code, reason, null);
    }
}
