package dev.meshwire.coordinator.session;

import dev.meshwire.coordinator.admission.ConnectionAdmission;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Accepts peer WebSockets on {@code /ws} and tracks every open session (authenticated or not) for shutdown.
 * Each session reports its authentication and its close to the connection's admission ticket.
 */
public final class WebSocketEndpoint {
    public static final String PATH = "/ws";

    private final Session.Deps deps;
    private final ConnectionAdmission admission;
    private final Set<Session> open = new LinkedHashSet<>();

    public WebSocketEndpoint(Session.Deps deps, ConnectionAdmission admission) {
        this.deps = deps;
        this.admission = admission;
    }

    /** {@code conn} is the HTTP connection the upgrade came on; it carries the admission ticket. */
    public void accept(ServerWebSocket ws, HttpConnection conn) {
        ConnectionAdmission.Ticket ticket = admission.ticket(conn);
        if (ticket == null) {
            ws.close(); // admission has just closed this connection (deadline or eviction)
            return;
        }
        ticket.upgraded();
        Session[] holder = new Session[1];
        Session session = new Session(ws, deps, ticket::authenticated, () -> {
            open.remove(holder[0]);
            ticket.closed();
        });
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
