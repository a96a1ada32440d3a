/**
 * The shapes of the daemon's local HTTP API (docs/ipc.md, docs/ipc-openapi.yaml): one immutable record per
 * request body, reply body and event, shared by the daemon ({@code IpcServer} and the {@code *Api} behind it),
 * the CLI ({@code IpcClient}, {@code dev.meshwire.cli}) and nat-test's agent. Serialized by
 * {@code dev.meshwire.signaling.Json#MAPPER}, which omits null components: an optional field that has no value
 * is absent from the JSON, never {@code null}. Primitive components are always present; boxed ones
 * ({@code Long}, {@code Boolean}, {@code Double}, {@code Integer}) and references are optional. Lists are
 * named {@code items} in every list reply.
 */
package dev.meshwire.peer.ipc.api;
