package dev.meshwire.peer.ipc.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code POST /v1/rpc/reply}: a handler's answer to one call it received on its handler stream. Exactly one of
 * {@code result} (any JSON value, null included when the key is present) and {@code error} is given.
 *
 * @param callId the {@code callId} of the {@code call} event
 */
public record RpcReplyRequest(long callId, JsonNode result, RpcError error) {}
