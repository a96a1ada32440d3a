package dev.meshwire.peer.ipc.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/outbox}: rows per state, and the rows asked for, newest first. With {@code mesh} (the query's
 * filter, absent otherwise) both the counts and the rows are of that mesh only; without it, of the whole outbox.
 */
public record OutboxReply(@JsonInclude(JsonInclude.Include.NON_NULL) String mesh, Map<String, Long> counts, List<OutboxRow> items) {
    /** The whole outbox. */
    public OutboxReply(Map<String, Long> counts, List<OutboxRow> items) {
        this(null, counts, items);
    }
}
