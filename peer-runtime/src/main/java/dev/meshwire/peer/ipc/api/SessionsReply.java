package dev.meshwire.peer.ipc.api;

import java.util.List;

/** {@code GET /v1/sessions}: the sessions this daemon holds, oldest first. */
public record SessionsReply(List<SessionItem> items) {}
