package dev.meshwire.peer.ipc.api;

/**
 * The error of an rpc answer (docs/channels.md "rpc"): a stable {@code code} ({@code no_handler}, {@code handler_gone},
 * {@code interrupted}, {@code command_failed}, {@code bad_request}, or one the callee's handler chose) and a one-line
 * {@code message}.
 */
public record RpcError(String code, String message) {}
