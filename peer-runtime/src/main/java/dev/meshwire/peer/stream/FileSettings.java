package dev.meshwire.peer.stream;

import java.nio.file.Path;
import java.util.Map;

/**
 * How the daemon moves files (docs/channels.md "file transfer and streams").
 *
 * @param saveDir          where accepted files go unless the accept names another directory ({@code MESHWIRE_FILES_DIR},
 *                         default {@code $MESHWIRE_HOME/files})
 * @param autoAccept       accept every offer at once into {@code saveDir} ({@code MESHWIRE_FILES_ACCEPT=auto}); default off:
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

    /** The defaults with {@code MESHWIRE_FILES_DIR} and {@code MESHWIRE_FILES_ACCEPT} applied. */
    public static FileSettings fromEnv(Path home, Map<String, String> env) {
        FileSettings d = defaults(home);
        String dir = env.get("MESHWIRE_FILES_DIR");
        String accept = env.get("MESHWIRE_FILES_ACCEPT");
        return new FileSettings(dir == null || dir.isBlank() ? d.saveDir : Path.of(dir).toAbsolutePath(),
                "auto".equalsIgnoreCase(accept == null ? "" : accept.trim()), d.chunkSize, d.directWindow, d.relayWindowBytes, d.commitBytes);
    }
}
