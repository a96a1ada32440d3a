package dev.meshwire.cli;

import dev.meshwire.peer.ByteSize;
import dev.meshwire.peer.PeerException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Where a foreground server ({@code coordinator}, {@code turn}) logs: stderr by default (a terminal, systemd's
 * journal, docker logs), or a size-rotated file with {@code --log-file}. Applied by the command's own {@code call()}.
 */
final class LogOptions {
    private static final Set<String> LEVELS = Set.of("error", "warn", "info", "debug", "trace");

    @Option(names = "--log-file", paramLabel = "FILE",
            description = "append logs to FILE (mode 0600), rotated by size, instead of writing them to stderr")
    Path file;
    @Option(names = "--log-level", defaultValue = "info", paramLabel = "LEVEL",
            description = "error, warn, info, debug or trace")
    String level;
    @Option(names = "--log-max-size", defaultValue = "10MiB", paramLabel = "BYTES",
            description = "rotate --log-file when it passes this size, e.g. 10MiB")
    String maxSize;
    @Option(names = "--log-keep", defaultValue = "5", paramLabel = "N",
            description = "rotated files kept: FILE.1 (newest) .. FILE.N, 1..20")
    int keep;

    /** Configures logging; a bad value is a usage error. */
    void apply() {
        String l = level.trim().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(l)) throw new PeerException(PeerException.BAD_REQUEST, "--log-level must be error, warn, info, debug or trace (got '" + level + "')");
        if (file == null) {
            LogSetup.toStderr(l);
            return;
        }
        long bytes;
        try {
            bytes = ByteSize.parse("--log-max-size", maxSize);
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.BAD_REQUEST, e.getMessage());
        }
        if (bytes < 1024) throw new PeerException(PeerException.BAD_REQUEST, "--log-max-size must be at least 1KiB (got '" + maxSize + "')");
        if (keep < 1 || keep > LogSetup.MAX_KEEP) {
            throw new PeerException(PeerException.BAD_REQUEST, "--log-keep must be between 1 and " + LogSetup.MAX_KEEP + " (got " + keep + ")");
        }
        LogSetup.toFile(l, file.toAbsolutePath(), bytes, keep);
    }
}
