package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.TopicHistoryReply;
import dev.meshwire.peer.ipc.api.TopicReply;
import dev.meshwire.peer.ipc.api.TopicRequest;
import dev.meshwire.peer.ipc.api.TopicsReply;

/**
 * Topics (docs/protocol.md §12.2): create, join and leave go through the coordinator (signed mesh events); the
 * listing reads the local verified replica; the history is fetched from the coordinator and opened with this daemon's
 * keyring. Posting is {@code POST /v1/send} with {@code to = "#name"}. docs/ipc.md has the shapes.
 */
public interface TopicsApi {
    TopicReply create(TopicRequest req);

    TopicReply join(TopicRequest req);

    TopicReply leave(TopicRequest req);

    TopicsReply list(String mesh);

    TopicHistoryReply history(String mesh, String topic, Long afterSeq, Integer limit);
}
