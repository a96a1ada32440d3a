package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A TURN shared secret read from a file given on the command line ({@code meshwire turn --secret-file},
 * {@code meshwire coordinator --turn-secret-file}). Whoever can read the secret can mint TURN credentials, so a file
 * that group or others may read, write or execute is refused (as ssh refuses such a private key), with the
 * {@code chmod} that fixes it.
 */
final class SecretFile {
    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecretFile() {}

    /**
     * The file's content without surrounding white space.
     *
     * @throws PeerException {@code bad_request}: missing, unreadable, open to group/others, or empty
     */
    static String read(String flag, Path file) {
        if (!Files.exists(file)) throw bad(flag + " " + file + ": no such file");
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) throw bad(flag + " " + file + ": cannot read it");
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.stream().anyMatch(NOT_OWNER::contains)) {
                throw bad(flag + " " + file + " is open to group or others (" + PosixFilePermissions.toString(mode)
                        + "); run: chmod 600 " + file);
            }
        } catch (UnsupportedOperationException notPosix) {
            // no modes to check on this file system
        } catch (IOException e) {
            throw bad(flag + " " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        String secret;
        try {
            secret = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw bad(flag + " " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        if (secret.isEmpty()) throw bad(flag + " " + file + " is empty");
        return secret;
    }

    private static PeerException bad(String message) {
        return new PeerException(PeerException.BAD_REQUEST, message);
    }
}
