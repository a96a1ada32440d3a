package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.FileAcceptRequest;
import dev.meshwire.peer.ipc.api.FileItem;
import dev.meshwire.peer.ipc.api.FileSendRequest;
import dev.meshwire.peer.ipc.api.FilesReply;

/** File transfer: {@code /v1/files/send}, {@code /v1/files}, {@code /v1/files/{id}}, {@code /v1/files/{id}/accept|cancel}. */
public interface FilesApi {
    /** Starts sending a file (202 with the transfer; it runs in the background). */
    IpcReply<FileItem> send(FileSendRequest req);

    /** Transfers, newest first ({@code limit} at most). */
    FilesReply list(int limit);

    /** One transfer by id or unique id prefix (unknown → {@code unknown_transfer}). */
    FileItem get(String id);

    /** Accepts an offered incoming file. */
    FileItem accept(String id, FileAcceptRequest req);

    /** Cancels a transfer in either direction (declines an offer); the other side is told. */
    FileItem cancel(String id);
}
