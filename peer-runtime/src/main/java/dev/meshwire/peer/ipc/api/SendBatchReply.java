package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * {@code POST /v1/send/batch} (200): one result per send, in the request's order. Every accepted send is committed
 * to the outbox before this answer is written, as for {@code POST /v1/send}.
 *
 * @param accepted how many results have a 2xx status
 * @param refused  how many have an error
 */
public record SendBatchReply(int accepted, int refused, List<SendBatchItem> results) {}
