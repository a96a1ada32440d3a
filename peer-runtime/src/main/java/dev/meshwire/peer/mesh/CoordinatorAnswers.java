package dev.meshwire.peer.mesh;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.CoordinatorError;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.signaling.frame.Frame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for the coordinator on behalf of an IPC caller, and turning what went wrong into the
 * user-facing refusal codes of docs/ipc.md (a CLI user sees these messages verbatim).
 */
final class CoordinatorAnswers {
    /** How long create, join and reconnect wait for the link to say hello. */
    static final long CONNECT_WAIT_MS = 15_000;
    private static final long REQUEST_WAIT_S = 15;

    private CoordinatorAnswers() {}

    /** Waits for a link's connect future; invite refusals become invite_invalid. */
    static <T> T connected(CompletableFuture<T> f, long ms) {
        try {
            return f.get(ms, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "the coordinator did not answer within " + ms / 1000 + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException(PeerException.INTERNAL, "interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof CoordinatorError ce) {
                String code = ce.code() != null && ce.code().startsWith("invite") ? PeerException.INVITE_INVALID
                        : PeerException.COORDINATOR_REFUSED;
                throw new PeerException(code, "coordinator refused: " + ce.getMessage());
            }
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, c == null ? e.toString() : c.getMessage());
        }
    }

    /** Sends a request frame and waits for its answer; refusals keep the coordinator's one-line reason. */
    static Frame reply(MeshSession s, String id, Frame req) {
        return reply(s, id, req, code -> PeerException.COORDINATOR_REFUSED);
    }

    /**
     * {@link #reply(MeshSession, String, Frame)} with the coordinator's error codes mapped to this daemon's
     * ({@code codes} gets the coordinator's code, possibly null) where a verb gives them a meaning of their own.
     */
    static Frame reply(MeshSession s, String id, Frame req, java.util.function.UnaryOperator<String> codes) {
        try {
            return s.link().request(id, req).get(REQUEST_WAIT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CoordinatorError ce) {
                // The coordinator's message names the role the request needs (owner, or owner or admin).
                String code = codes.apply(ce.code());
                throw new PeerException(code, (PeerException.COORDINATOR_REFUSED.equals(code) ? "coordinator refused: " : "") + ce.getMessage());
            }
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, String.valueOf(e.getCause().getMessage()));
        } catch (TimeoutException e) {
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "the coordinator did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException(PeerException.INTERNAL, "interrupted");
        }
    }
}
