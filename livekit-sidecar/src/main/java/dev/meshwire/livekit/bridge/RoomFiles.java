package dev.meshwire.livekit.bridge;

import dev.meshwire.livekit.room.RoomData;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.api.FileItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Room data streams too large for one mesh message, sent on as mesh file transfers (docs/livekit.md "Large payloads").
 *
 * <p>{@link #spool} (room thread) writes the whole stream to {@code <spoolDir>/<client message id>/<name>} (directories
 * 0700, file 0600; the byte header's file name, sanitized, else {@code room-stream.bin}) and records it in the
 * {@link RoomQueue}'s {@code room_files} table, both before it returns. A stream id seen before (the same client
 * message id, derived from mesh, participant and stream id) is not spooled again, whatever became of the first: a
 * replayed stream sends no second file. {@link #round} (the bridge's service thread) hands each spooled file to the
 * daemon ({@code POST /v1/services/{name}/files}, as the service, to the target), then asks the daemon about the
 * transfer until it is {@code done} or {@code failed} and only then deletes the file: the daemon reads it while the
 * transfer runs, and the recipient may take a while to accept. A refusal of the send itself (the target is no member,
 * the service lacks {@code stream:write}) is logged, counted and the file deleted; the daemon being away leaves it for a
 * later round. Window: a side-car killed after the daemon took the send and before the row says so sends the file once
 * more after its restart.
 */
final class RoomFiles {
    private static final Logger LOG = LoggerFactory.getLogger(RoomFiles.class);
    private static final String DEFAULT_NAME = "room-stream.bin";

    private final Path spoolDir;
    private final RoomQueue table;

    RoomFiles(Path spoolDir, RoomQueue table) {
        this.spoolDir = spoolDir;
        this.table = table;
    }

    /**
     * Spools a whole stream for {@code target}. Returns false when this stream was spooled before (a replay); throws
     * {@link BridgeException} with a one-line reason when it cannot be stored.
     */
    boolean spool(String clientMessageId, String target, RoomData data) {
        if (table.fileKnown(clientMessageId)) return false;
        Path dir = spoolDir.resolve(clientMessageId);
        Path file = dir.resolve(safeName(data.name()));
        try {
            MeshwireHome.ensureDir(spoolDir);
            MeshwireHome.ensureDir(dir);
            MeshwireHome.writePrivate(file, data.payload());
        } catch (RuntimeException e) {
            throw new BridgeException("spooling a room data stream to " + file + " failed: " + e.getMessage());
        }
        return table.addFile(clientMessageId, file.toString(), target);
    }

    /** The outcome of one {@link #round}. */
    record Round(int sent, int refused, int finished) {}

    /**
     * Sends what is spooled and lets go of what the daemon finished. Throws {@link IpcException} when the daemon is
     * away (the caller retries later).
     */
    Round round(MeshSide mesh) {
        int sent = 0, refused = 0, finished = 0;
        for (RoomQueue.FileRow f : table.openFiles()) {
            if ("spooled".equals(f.state())) {
                try {
                    FileItem t = mesh.sendFile(f.target(), f.path());
                    table.fileState(f.clientMessageId(), "sent", t.id());
                    sent++;
                    LOG.info("room → mesh: the data stream {} ({} bytes) goes to {} as file transfer {}", Path.of(f.path()).getFileName(), t.size(),
                            f.target(), t.id());
                } catch (IpcException e) {
                    if (LiveKitBridge.transientRefusal(e)) throw e;
                    LOG.warn("room → mesh: a room data stream was not sent as a file to {}: {}", f.target(), e.getMessage());
                    finish(f);
                    refused++;
                }
            } else {
                String state;
                try {
                    state = mesh.file(f.transferId()).state();
                } catch (IpcException e) {
                    if (DaemonLink.daemonAway(e)) throw e;
                    state = "gone"; // the daemon no longer knows it: nothing reads the file any more
                }
                if ("done".equals(state) || "failed".equals(state) || "gone".equals(state)) {
                    LOG.info("room → mesh: file transfer {} to {} ended: {}", f.transferId(), f.target(), state);
                    finish(f);
                    finished++;
                }
            }
        }
        return new Round(sent, refused, finished);
    }

    /** Deletes the spooled file (and its directory); the row stays, so a replay is still recognised. */
    private void finish(RoomQueue.FileRow f) {
        Path dir = Path.of(f.path()).getParent();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("could not delete the spooled file {}: {}", f.path(), e.getMessage());
        }
        table.fileState(f.clientMessageId(), "finished", null);
    }

    /** The byte header's name as one safe path segment: what the recipient is offered. */
    static String safeName(String name) {
        if (name == null) return DEFAULT_NAME;
        String last = name.replace('\\', '/');
        last = last.substring(last.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._ -]", "_").strip();
        if (last.length() > 100) last = last.substring(last.length() - 100);
        return last.isEmpty() || last.chars().allMatch(c -> c == '.') ? DEFAULT_NAME : last;
    }
}
