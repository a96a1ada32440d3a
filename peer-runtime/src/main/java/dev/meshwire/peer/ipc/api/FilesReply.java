package dev.meshwire.peer.ipc.api;

import java.util.List;

/** {@code GET /v1/files}: transfers in both directions, newest first. */
public record FilesReply(List<FileItem> items) {}
