package dev.meshwire.peer.stream;

import java.nio.file.Path;

/**
 * How the daemon moves files (docs/channels.md "file transfer and streams").
 *
 * @param saveDir          where accepted files go unless the accept names another directory (config {@code files.dir} /
 *                         {@code MESHWIRE_FILES_DIR}, default {@code $MESHWIRE_HOME/files})
 * @param autoAccept       accept every offer at once into {@code saveDir} (config {@code files.accept = auto} /
 *                         {@code MESHWIRE_FILES_ACCEPT=auto}); default off:
 *                         an offer waits for {@code meshwire file receive}
 * @param chunkSize        bytes per chunk the sender picks (fitted under the relay's frame limit)
 * @param directWindow     chunks in flight on a direct channel (each completes on the receiver's channel ack)
 * @param relayWindowBytes bytes beyond the receiver's committed offset a relay run may have sent (they wait in the
 *                         coordinator's queue); bounds what a transfer parks at the coordinator
 * @param commitBytes      the receiver fsyncs and records its offset at least every this many bytes (and every 2 s)
 */
public record FileSettings(Path saveDir, boolean autoAccept, int chunkSize, int directWindow, long relayWindowBytes, long commitBytes) {
    public static final int DEFAULT_CHUNK = 256 * 1024;

    public static FileSettings defaults(Path home) {
        return new FileSettings(home.resolve("files"), false, DEFAULT_CHUNK, 16, 16L << 20, 4L << 20);
    }

    /** These settings with the save directory and/or auto-accept replaced (null: unchanged). */
    public FileSettings with(Path dir, Boolean auto) {
        return new FileSettings(dir != null ? dir : saveDir, auto != null ? auto : autoAccept, chunkSize, directWindow, relayWindowBytes, commitBytes);
    }
}
