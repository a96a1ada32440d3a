package dev.meshwire.e2e;

import dev.meshwire.peer.TestSupport;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.WireClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A laptop's daemon as a real detached process, started by {@code meshwire up} with its own home,
 * driven through its IPC like an app would, and killable with SIGKILL for crash tests.
 */
final class DaemonProcess {
    private final Cli cli;

    DaemonProcess(Cli cli) {
        this.cli = cli;
    }

    Cli cli() {
        return cli;
    }

    void up() {
        cli.run("up").ok();
    }

    WireClient ipc() {
        return WireClient.forHome(MeshwireHome.at(cli.home()));
    }

    long pid() throws IOException {
        return Long.parseLong(Files.readString(cli.home().resolve("daemon").resolve("pid")).trim());
    }

    /** SIGKILL the daemon and wait until it is gone. */
    void kill9() throws IOException {
        long pid = pid();
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no daemon process " + pid));
        h.destroyForcibly();
        TestSupport.await("daemon " + pid + " exits after SIGKILL", Duration.ofSeconds(20), () -> !h.isAlive());
    }

    void down() {
        cli.run("down");
    }
}
