package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * The body of {@code POST /v1/sessions}: which mesh (absent: the only one), the session's label, how long the
 * attestation lasts ({@code ttlMs}, default 12 h, at most 24 h), its capabilities (absent: the full member set;
 * {@code []}: none) and the process whose exit ends it.
 */
public record SessionRequest(String mesh, String name, Long ttlMs, List<String> caps, Long pid) {}
