package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * {@code POST /v1/session/send}: every copy was committed to the coordinator's durable queue, sent with the session's
 * key ({@code session}) over the session's own connection.
 */
public record SessionSendReply(String mesh, String session, String clientMessageId, String channel, List<SessionSendItem> items) {}
