package dev.meshwire.peer.stream;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a received file may go. The offered name comes from another machine, so it is reduced to one plain file name
 * (no directories, no {@code ..}, no control characters, not hidden) and the file is only ever written inside the
 * save directory. Nothing is overwritten: a taken name becomes {@code name (1).ext}, {@code name (2).ext}, ...
 * (the move is atomic and fails on an existing target, so two transfers finishing at once cannot both take a name).
 */
public final class SaveNames {
    private SaveNames() {}

    /** A safe file name for {@code offered}. */
    public static String sanitize(String offered) {
        String s = offered == null ? "" : offered;
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        if (slash >= 0) s = s.substring(slash + 1);
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) || cp == ':' ? '_' : cp));
        String r = b.toString().strip();
        while (r.startsWith(".")) r = r.substring(1);
        return r.isEmpty() ? "file" : r;
    }

    /** The partial file of a transfer: hidden, in the save directory (so completing it is a rename), named by the stream. */
    public static Path partial(Path saveDir, String streamId, String name) {
        return saveDir.resolve("." + streamId.substring(0, 12) + "." + sanitize(name) + ".meshwire-part");
    }

    /** Moves {@code partial} to {@code saveDir/name}, or the first free {@code name (n).ext}; returns where it went. */
    public static Path moveToFree(Path partial, Path saveDir, String name) throws IOException {
        String clean = sanitize(name);
        int dot = clean.lastIndexOf('.');
        String stem = dot > 0 ? clean.substring(0, dot) : clean;
        String ext = dot > 0 ? clean.substring(dot) : "";
        for (int n = 0; n < 10_000; n++) {
            Path target = saveDir.resolve(n == 0 ? clean : stem + " (" + n + ")" + ext);
            if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
            try {
                // A hard link fails on an existing target (no silent overwrite, unlike rename(2)), then the partial goes.
                Files.createLink(target, partial);
                Files.delete(partial);
                return target;
            } catch (FileAlreadyExistsException raced) {
                // taken between the check and the link: next name
            } catch (UnsupportedOperationException | IOException noLinks) {
                if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
                return target;
            }
        }
        throw new IOException("no free name for " + clean + " in " + saveDir);
    }
}
