package dev.meshwire.peer.ipc.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The data of a {@code call} event on a handler stream ({@code GET /v1/rpc/handler}): one request to run. Answer it
 * with {@code POST /v1/rpc/reply} and its {@code callId}.
 *
 * @param callId    this daemon's id of the call (answer with it)
 * @param requestId the caller's request id (with {@code from}, the key under which the answer is cached)
 * @param from      the caller
 * @param deadline  when the caller stops waiting (epoch ms), or null
 */
public record RpcHandlerCall(long callId, String requestId, String mesh, PeerRef from, String method, JsonNode args, Long deadline) {}
