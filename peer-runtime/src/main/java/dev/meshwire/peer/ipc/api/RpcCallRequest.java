package dev.meshwire.peer.ipc.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code POST /v1/rpc/call}: starts a call (docs/ipc.md "rpc").
 *
 * @param peer      the callee: a name, a public key or a unique prefix of one
 * @param method    the method name (1..128 of {@code A-Z a-z 0-9 . _ : / -})
 * @param args      any JSON value (absent: null); at most 256 KiB as JSON
 * @param timeoutMs how long the caller waits, 1 000 .. 3 600 000 (absent: 30 000); also the request's expiry
 * @param queueIfOffline true: queue the call for an offline callee (until the timeout); false/absent: fail fast with
 *                  {@code peer_offline}
 * @param requestId the call's id (absent: generated); a retry with the same id is the same call
 */
public record RpcCallRequest(String mesh, String peer, String method, JsonNode args, Long timeoutMs, Boolean queueIfOffline, String requestId) {}
