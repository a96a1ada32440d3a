package dev.meshwire.peer.ipc.api;

/**
 * One send of a batch: the HTTP status {@code POST /v1/send} would have answered for it, and its body — {@code reply}
 * for 200/202, {@code error} (the error object of {@code {"error":{...}}}) otherwise. Exactly one of the two is set.
 */
public record SendBatchItem(int status, SendReply reply, ErrorDetail error) {}
