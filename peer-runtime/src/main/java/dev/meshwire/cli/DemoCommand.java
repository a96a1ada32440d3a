package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.SendRequest;
import dev.meshwire.peer.ipc.api.SendReply;
import dev.meshwire.peer.ipc.api.PeerItem;
import dev.meshwire.peer.ipc.api.MeshReply;
import dev.meshwire.peer.ipc.api.InboxQuery;
import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.CreateMeshReply;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.IpcClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import dev.meshwire.cli.term.PathLabel;
import dev.meshwire.cli.term.Style;
import picocli.CommandLine.Command;

/**
 * {@code meshwire demo}: a coordinator and two daemons (alice, bob) in this process, with temporary
 * directories; they exchange messages both ways over the real WebSocket/IPC paths and the command
 * checks each one arrived. Everything is removed afterwards.
 */
@Command(name = "demo", description = "Self-contained demo: coordinator + two peers exchanging messages.")
final class DemoCommand extends Verb {
    /** Per step: generous, because a first run on a busy laptop is exactly when a demo must not fail. */
    private static final long DEADLINE_MS = 60_000;

    @Override
    public Integer call() throws Exception {
        PrintStream out = out();
        Style style = style();
        Path tmp = Files.createTempDirectory("meshwire-demo");
        Coordinator coord = null;
        Daemon alice = null;
        Daemon bob = null;
        try {
            try {
                coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coordinator"))
                        .withListen("127.0.0.1", 0).withStunPort(-1));
            } catch (UnsupportedOperationException e) {
                throw new PeerException(PeerException.INTERNAL, "demo failed: this build's coordinator is not implemented yet");
            }
            out.println("coordinator: " + coord.publicUrl());
            alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
            bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
            IpcClient a = alice.client();
            IpcClient b = bob.client();
            out.println("daemons: alice ipc 127.0.0.1:" + alice.ipcPort() + ", bob ipc 127.0.0.1:" + bob.ipcPort());

            CreateMeshReply created = a.createMesh(new CreateMeshRequest("demo", coord.publicUrl(), "alice", coord.adminToken()));
            String alicePub = created.mesh().pubkey();
            out.println("alice created mesh 'demo' (" + Render.shortKey(alicePub) + ") and an invite");
            MeshReply joined = b.join(created.invite(), "bob");
            out.println("bob joined with the invite (" + Render.shortKey(joined.mesh().pubkey()) + ")");
            await("alice to see bob online", () -> online(a, "bob"));
            await("bob to see alice online", () -> online(b, "alice"));

            SendReply s1 = a.send(new SendRequest("demo", "bob", "hello bob, this is alice"));
            out.println("alice -> bob (by name): " + s1.status() + ", id " + s1.clientMessageId());
            SendReply s2 = b.send(new SendRequest("demo", alicePub.substring(0, 10), "hi alice, bob here"));
            out.println("bob -> alice (by pubkey prefix " + alicePub.substring(0, 10) + "): "
                    + s2.status());
            SendReply s3 = a.send(new SendRequest("demo", "*", "hello everyone"));
            out.println("alice -> * : " + s3.recipients().size() + " recipient(s)");

            await("bob's inbox to hold alice's messages", () -> has(b, "hello bob, this is alice") && has(b, "hello everyone"));
            await("alice's inbox to hold bob's message", () -> has(a, "hi alice, bob here"));
            out.println("bob's inbox:");
            for (InboxItem m : inbox(b, 10)) out.println("  " + Render.message(m, style));
            out.println("alice's inbox:");
            for (InboxItem m : inbox(a, 10)) out.println("  " + Render.message(m, style));
            showUpgrade(out, style, a, b);
            out.println("demo OK: every message arrived");
            return ExitCodes.OK;
        } catch (PeerException e) {
            throw e;
        } catch (Exception e) {
            throw new PeerException(PeerException.INTERNAL, "demo failed: " + e.getMessage());
        } finally {
            if (bob != null) bob.close();
            if (alice != null) alice.close();
            if (coord != null) coord.close();
            deleteTree(tmp);
        }
    }

    /**
     * The first messages went through the coordinator while ICE ran in the background; once the data
     * channel is open, traffic moves to it. Shown, not required: without WebRTC (no libpulse0, no
     * network interface besides loopback) the demo still passes on the relay.
     */
    private static void showUpgrade(PrintStream out, Style style, IpcClient a, IpcClient b) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        String path = "";
        while (System.currentTimeMillis() < deadline && !(path = pathTo(a, "bob")).startsWith("direct")) Thread.sleep(100);
        // The first read of a new channel's pair may name the peer's address prflx (its check beat its trickled
        // candidate); the daemon re-reads the pair within a second or two and names it (P2pSession.signalledType).
        long settle = Math.min(deadline, System.currentTimeMillis() + 3_000);
        while (System.currentTimeMillis() < settle && (path.equals("direct prflx") || path.equals("direct"))) {
            Thread.sleep(100);
            path = pathTo(a, "bob");
        }
        if (!path.startsWith("direct")) {
            out.println("direct channel: not established within 10 s (path to bob: " + (path.isEmpty() ? "unknown" : path)
                    + "); messages keep flowing through the coordinator");
            return;
        }
        out.println("direct channel open: alice -> bob now goes " + PathLabel.styled(path, style));
        a.send(new SendRequest("demo", "bob", "this one took the direct channel"));
        await("bob's inbox to hold the direct message", () -> has(b, "this one took the direct channel"));
        for (InboxItem m : inbox(b, 10)) {
            if ("this one took the direct channel".equals(m.text())) {
                out.println("  " + Render.message(m, style));
            }
        }
    }

    private static String pathTo(IpcClient c, String name) {
        for (PeerItem p : c.peers("demo").items()) {
            if (name.equals(p.name())) return p.path() == null ? "" : p.path();
        }
        return "";
    }

    private static boolean online(IpcClient c, String name) {
        for (PeerItem p : c.peers("demo").items()) {
            if (name.equals(p.name()) && p.online()) return true;
        }
        return false;
    }

    private static boolean has(IpcClient c, String text) {
        for (InboxItem m : inbox(c, 100)) if (text.equals(m.text())) return true;
        return false;
    }

    private static java.util.List<InboxItem> inbox(IpcClient c, int limit) {
        return c.inbox(new InboxQuery("demo", limit, false, false)).items();
    }

    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new PeerException(PeerException.INTERNAL, "demo failed: timed out after " + DEADLINE_MS / 1000 + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // temp files; best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
