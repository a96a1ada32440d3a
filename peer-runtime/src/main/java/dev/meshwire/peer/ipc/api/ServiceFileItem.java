package dev.meshwire.peer.ipc.api;

/**
 * One file a delegated service this daemon holds received for one of its sub-peers (docs/protocol.md §12.4
 * "Sub-peers"; docs/ipc.md "Delegated services"): complete and SHA-256-checked, waiting in the daemon's home until the
 * app acting as the service delivered it ({@code POST /v1/services/{name}/files/{id}/delivered}).
 *
 * @param id         the transfer id (the stream id, 32 hex)
 * @param from       the member who sent it
 * @param subpeer    the sub-peer it is for, e.g. {@code lk:alice}
 * @param name       the file name as offered (reduced to a plain file name)
 * @param size       bytes
 * @param sha256     lowercase hex SHA-256, checked
 * @param path       where the file is (0600, in the daemon's home); null once delivered
 * @param receivedAt epoch ms when it was complete
 */
public record ServiceFileItem(String id, PeerRef from, String subpeer, String name, long size, String sha256, String path, long receivedAt) {}
