package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * {@code POST /v1/services/{name}/send}: every copy was committed to the coordinator's durable queue, signed with the
 * service's key ({@code servicePubkey}) over the service's own connection.
 */
public record ServiceSendReply(String mesh, String service, String servicePubkey, String clientMessageId, String channel,
                               List<SessionSendItem> items) {}
