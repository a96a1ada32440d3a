package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * One service of a mesh. {@code status}: {@code active}, {@code expired}, {@code revoked} or
 * {@code owner_inactive}; {@code delegate} is the daemon key holding the secret for a delegated service;
 * {@code connection} is set only when this daemon holds the service: its coordinator connection's state
 * ({@code connected}, {@code connecting}, …).
 */
public record ServiceItem(String name, String type, List<String> scopes, String servicePubkey, PeerRef owner, String transport,
                          String delegate, long expiresAt, long registeredAt, String status, String connection) {}
