package dev.meshwire.peer.daemon;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.home.MeshwireHome;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;

/**
 * One daemon per home: an OS file lock on {@code daemon/daemon.lock} (released by the kernel if the
 * process dies, unlike a bare pid file, so a crash never leaves a stale lock) plus the pid file for
 * humans and {@code status}.
 */
final class DaemonLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private final MeshwireHome home;

    private DaemonLock(MeshwireHome home, FileChannel channel, FileLock lock) {
        this.home = home;
        this.channel = channel;
        this.lock = lock;
    }

    static DaemonLock acquire(MeshwireHome home) {
        MeshwireHome.touchPrivate(home.lockFile());
        try {
            FileChannel ch = FileChannel.open(home.lockFile(), StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                String pid = MeshwireHome.readTrimmed(home.pidFile());
                throw new PeerException(PeerException.BAD_REQUEST, "a daemon is already running for " + home.root()
                        + (pid != null ? " (pid " + pid + ")" : ""));
            }
            MeshwireHome.writePrivate(home.pidFile(), Long.toString(ProcessHandle.current().pid()));
            return new DaemonLock(home, ch, l);
        } catch (IOException e) {
            throw new PeerException(PeerException.INTERNAL, "cannot lock " + home.lockFile() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            java.nio.file.Files.deleteIfExists(home.pidFile());
            java.nio.file.Files.deleteIfExists(home.portFile());
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // shutting down
        }
    }
}
