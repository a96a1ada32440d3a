package dev.meshwire.coordinator.admission;

import dev.meshwire.coordinator.http.NettyChannels;
import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits and times the unauthenticated connections of one HTTP listener (see {@link AdmissionLimits}).
 *
 * <p>Every accepted connection gets a {@link Ticket} at once ({@link #onConnection}, wired to
 * {@code HttpServer.connectionHandler}, which Vert.x calls at accept time for HTTP/1.x when h2c is off).
 * Over the per-address limit the new connection is closed; over the total, the oldest connection of the address
 * holding the most is closed to make room — so one flooding address (or a few) can never lock a newcomer out —
 * unless the newcomer's address is (nearly) the busiest itself, then the newcomer is refused. A periodic sweep
 * closes connections past their deadline: no complete request headers within {@code requestTimeout} of
 * accept, a request not answered within {@code requestTimeout}, an idle keep-alive past {@code idleTimeout}.
 * After a WebSocket upgrade the session's own authentication timer is the deadline; the sweep only keeps a
 * backstop. A ticket leaves the budget when its WebSocket authenticates or its connection closes.
 *
 * <p>Not thread-safe: every method runs on the listener's event loop (the coordinator verticle's context).
 */
public final class ConnectionAdmission {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionAdmission.class);
    /** The session closes a silent WebSocket at authTimeout; the sweep aborts whatever is left this much later. */
    static final long AUTH_BACKSTOP_GRACE_MS = 5_000;
    private static final long REPORT_EVERY_MS = 10_000;

    private final Vertx vertx;
    private final AdmissionLimits limits;
    private final AdmissionLimits.Budget budget;
    private final CoordinatorMetrics metrics;
    private final LongSupplier clock;
    private final Map<HttpConnection, Ticket> byConnection = new IdentityHashMap<>();
    private final Map<String, LinkedHashSet<Ticket>> byAddress = new HashMap<>();
    private final Map<String, Runnable> refusals = new HashMap<>();
    private long sweeper = -1;
    private long refusedSinceReport;
    private long timedOutSinceReport;
    private long lastReport;

    ConnectionAdmission(Vertx vertx, AdmissionLimits limits, AdmissionLimits.Budget budget, CoordinatorMetrics metrics, LongSupplier clock) {
        this.vertx = vertx;
        this.limits = limits;
        this.budget = budget;
        this.metrics = metrics;
        this.clock = clock;
        this.lastReport = clock.getAsLong();
        metrics.unauthenticatedGauge(budget.listener(), byConnection::size);
    }

    /** The coordinator's main port: WebSocket and REST. */
    public static ConnectionAdmission main(Vertx vertx, AdmissionLimits limits, CoordinatorMetrics metrics) {
        return new ConnectionAdmission(vertx, limits, limits.mainBudget(), metrics, ConnectionAdmission::monotonicMillis);
    }

    /** The separate health listener. */
    public static ConnectionAdmission health(Vertx vertx, AdmissionLimits limits, CoordinatorMetrics metrics) {
        return new ConnectionAdmission(vertx, limits, limits.healthBudget(), metrics, ConnectionAdmission::monotonicMillis);
    }

    /** The separate metrics listener. */
    public static ConnectionAdmission metrics(Vertx vertx, AdmissionLimits limits, CoordinatorMetrics metrics) {
        return new ConnectionAdmission(vertx, limits, limits.metricsBudget(), metrics, ConnectionAdmission::monotonicMillis);
    }

    private static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }

    /** Starts the deadline sweep; call on the listener's event loop. */
    public void start() {
        long shortest = Math.min(limits.requestTimeout().toMillis(), Math.min(limits.idleTimeout().toMillis(), limits.authTimeout().toMillis()));
        sweeper = vertx.setPeriodic(Math.max(50, Math.min(500, shortest / 10)), id -> sweep());
    }

    public void stop() {
        if (sweeper >= 0) vertx.cancelTimer(sweeper);
        sweeper = -1;
    }

    /** Unauthenticated connections held now. */
    public int unauthenticated() {
        return byConnection.size();
    }

    /** For {@code HttpServer.connectionHandler}: admits the new connection, makes room for it, or closes it. */
    public void onConnection(HttpConnection conn) {
        String address = addressKey(conn.remoteAddress());
        LinkedHashSet<Ticket> mine = byAddress.get(address);
        int held = mine == null ? 0 : mine.size();
        if (held >= budget.perAddress()) {
            refuse(conn, "per_address");
            return;
        }
        if (byConnection.size() >= budget.total() && !makeRoomFor(held)) {
            refuse(conn, "total");
            return;
        }
        Ticket t = new Ticket(conn, address, clock.getAsLong());
        byConnection.put(conn, t);
        byAddress.computeIfAbsent(address, a -> new LinkedHashSet<>()).add(t);
        conn.closeHandler(v -> t.release());
    }

    /**
     * Closes the oldest connection of the busiest address if that address holds at least two more than the
     * newcomer's; a swap between equals would only churn.
     */
    private boolean makeRoomFor(int newcomerHeld) {
        LinkedHashSet<Ticket> busiest = null;
        for (LinkedHashSet<Ticket> s : byAddress.values()) {
            if (busiest == null || s.size() > busiest.size()) busiest = s;
        }
        if (busiest == null || busiest.size() < newcomerHeld + 2) return false;
        Ticket victim = busiest.iterator().next();
        count("evicted");
        victim.abort();
        return true;
    }

    private void refuse(HttpConnection conn, String reason) {
        count(reason);
        conn.close();
    }

    private void count(String reason) {
        // Looked up per refusal: under a flood this runs thousands of times a second, so the counters are cached.
        refusals.computeIfAbsent(reason, r -> metrics.connectionRefusedCounter(budget.listener(), r)).run();
        refusedSinceReport++;
    }

    /** Wraps the listener's request handler so each request is timed against its connection's ticket. */
    public Handler<HttpServerRequest> timing(Handler<HttpServerRequest> next) {
        return req -> {
            Ticket t = byConnection.get(req.connection());
            if (t != null) t.requestStarted(req, clock.getAsLong());
            next.handle(req);
        };
    }

    /** The ticket of a connection still counted as unauthenticated, or null. */
    public Ticket ticket(HttpConnection conn) {
        return byConnection.get(conn);
    }

    private void sweep() {
        long now = clock.getAsLong();
        for (Ticket t : new ArrayList<>(byConnection.values())) {
            String overdue = t.overdue(now);
            if (overdue != null) {
                metrics.connectionTimedOut(budget.listener(), overdue);
                timedOutSinceReport++;
                t.abort();
            }
        }
        if (now - lastReport >= REPORT_EVERY_MS) {
            if (refusedSinceReport + timedOutSinceReport > 0) {
                LOG.warn("{} listener: {} connections refused or evicted and {} timed out in the last {} s ({} unauthenticated now, limit {} total, {} per address)",
                        budget.listener(), refusedSinceReport, timedOutSinceReport, (now - lastReport) / 1000, byConnection.size(),
                        budget.total(), budget.perAddress());
            }
            refusedSinceReport = 0;
            timedOutSinceReport = 0;
            lastReport = now;
        }
    }

    /** IPv4: the address. IPv6: its /64, since one host usually owns a whole /64. */
    static String addressKey(SocketAddress remote) {
        String host = remote == null ? null : remote.hostAddress();
        if (host == null) return "?";
        if (!host.contains(":")) return host;
        try {
            byte[] b = InetAddress.getByName(host).getAddress(); // a literal: no name lookup
            if (b.length != 16) return host;
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 8; i += 2) sb.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
            return sb.append(":/64").toString();
        } catch (UnknownHostException e) {
            return host;
        }
    }

    /** One unauthenticated connection; the WebSocket endpoint uses it to report the upgrade and the authentication. */
    public final class Ticket {
        private final HttpConnection conn;
        private final String address;
        private long since;
        private int answered;
        private HttpServerRequest request;
        private boolean upgraded;
        private boolean released;

        private Ticket(HttpConnection conn, String address, long openedAt) {
            this.conn = conn;
            this.address = address;
            this.since = openedAt;
        }

        private void requestStarted(HttpServerRequest req, long now) {
            request = req;
            since = now;
        }

        /** The connection is a WebSocket now: its session's authentication timer takes over from the HTTP deadlines. */
        public void upgraded() {
            upgraded = true;
            since = clock.getAsLong();
        }

        /** hello/join accepted: the connection leaves the unauthenticated budget. */
        public void authenticated() {
            release();
        }

        /** The WebSocket closed (after an upgrade the HTTP connection's close handler no longer runs). */
        public void closed() {
            release();
        }

        private void release() {
            if (released) return;
            released = true;
            byConnection.remove(conn);
            LinkedHashSet<Ticket> s = byAddress.get(address);
            if (s != null) {
                s.remove(this);
                if (s.isEmpty()) byAddress.remove(address);
            }
        }

        /** The phase whose deadline has passed ({@code request}, {@code idle}, {@code auth}), or null. */
        private String overdue(long now) {
            if (upgraded) return now - since > limits.authTimeout().toMillis() + AUTH_BACKSTOP_GRACE_MS ? "auth" : null;
            if (request != null && (request.response().ended() || request.response().closed())) {
                request = null;
                answered++;
                since = now;
            }
            if (request != null || answered == 0) return now - since > limits.requestTimeout().toMillis() ? "request" : null;
            return now - since > limits.idleTimeout().toMillis() ? "idle" : null;
        }

        /** Closes at once, without a closing handshake: the descriptor is what is scarce. */
        private void abort() {
            release();
            if (upgraded) {
                // A WebSocket's own close waits for the peer's close frame; going straight to the pipeline's head
                // closes the socket now (the session still sees its close handler run).
                Channel channel = NettyChannels.of(conn);
                ChannelHandlerContext first = channel.pipeline().firstContext();
                if (first != null) first.close();
                else channel.close();
            } else {
                conn.close();
            }
        }
    }
}
