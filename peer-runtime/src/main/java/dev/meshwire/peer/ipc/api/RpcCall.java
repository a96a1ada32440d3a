package dev.meshwire.peer.ipc.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One rpc call as the caller's daemon records it ({@code POST /v1/rpc/call}, {@code GET /v1/rpc/calls/{id}}).
 *
 * @param state      {@code pending} (no answer yet, deadline not passed), {@code ok} ({@code result} holds the answer),
 *                   {@code error} ({@code error} holds it), {@code timeout} (no answer by the deadline; a late answer
 *                   still turns it into ok/error), {@code peer_offline} (not sent: the callee was offline and the call
 *                   did not ask to wait)
 * @param deadline   createdAt + timeoutMs (epoch ms)
 * @param answeredAt when the answer arrived, or null
 * @param late       true when the answer arrived after the deadline
 * @param path       how the answer arrived ({@code direct}, {@code coordinator relay}), or null
 */
public record RpcCall(String requestId, String mesh, PeerRef peer, String method, String state, JsonNode result, RpcError error,
                      long createdAt, long deadline, Long answeredAt, Boolean late, String path) {}
