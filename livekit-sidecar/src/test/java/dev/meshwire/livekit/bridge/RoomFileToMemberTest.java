package dev.meshwire.livekit.bridge;

import static dev.meshwire.livekit.bridge.LiveKitBridgeTest.await;
import static dev.meshwire.livekit.bridge.LiveKitBridgeTest.count;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.livekit.bridge.BridgeFixture.Participant;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.FileItem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Room → mesh files end to end (docs/livekit.md "Large payloads"): a real coordinator, two real daemons (alice runs the
 * side-car as her delegated {@code livekit-room} service, bob is the target member), the stand-in LiveKit server and a
 * room participant on real WebRTC. carol's 1 MiB byte data stream (over the 256 KiB message limit) is spooled by the
 * side-car (0600 in 0700, under the side-car's home dir, named as carol named it) and sent to bob as a mesh file
 * transfer from the service; bob accepts it and has it byte-identical; the spooled copy is deleted once the transfer
 * is done; the same stream id replayed sends no second file. A stream over {@code --max-file-bytes} reaches nobody and
 * is counted as dropped.
 */
class RoomFileToMemberTest extends BridgeTestBase {
    private static final int MAX_FILE = 2 << 20;
    private static List<FileItem> incoming(IpcClient c, String name) {
        return c.files(100).items().stream().filter(f -> "in".equals(f.direction()) && name.equals(f.name())).toList();
    }

    @Test
    void aLargeRoomStreamBecomesOneFileTransferToTheTarget() throws Exception {
        MeshwireHome home = MeshwireHome.at(tmp.resolve("sidecar-home"));
        Path spool = RoomQueue.spoolFor(home, MESH, "lkbridge");
        BridgeConfig cfg = new BridgeConfig(MESH, "lkbridge", "meshwire", "bob", MAX_FILE, spool);
        LiveKitBridge bridge = room.started(new LiveKitBridge(cfg, DaemonLink.fixed(mesh.alice.client()),
                RoomQueue.open(RoomQueue.fileFor(home, MESH, "lkbridge"), LiveKitBridge.ROOM_QUEUE_MAX),
                room.bridgeRoom(c -> c.withMaxStreamBytes(cfg.roomStreamLimit()))));
        Participant carol = room.participant("carol");
        await("the bridge sees carol", () -> bridge.room().participants().join().size() == 1);
        IpcClient b = mesh.bob.client();

        byte[] content = new byte[1 << 20];
        ThreadLocalRandom.current().nextBytes(content);
        carol.client.sendFile(List.of(), "meshwire", content, "cf-1", "notes.bin").get(WAIT_MS, TimeUnit.MILLISECONDS);
        await("bob is offered carol's stream as a file", () -> incoming(b, "notes.bin").stream().anyMatch(f -> "offered".equals(f.state())), bridge);
        FileItem offered = incoming(b, "notes.bin").get(0);
        assertEquals("alice/lkbridge", offered.peer().name(), offered.toString());
        assertEquals(content.length, offered.size());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spool)));
        Path spooled;
        try (var s = Files.walk(spool)) {
            spooled = s.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        assertEquals("notes.bin", spooled.getFileName().toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spooled)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spooled.getParent())));

        // The same stream id again (a replay): no second file. The packet after it is handled after it (room thread, in order).
        carol.client.sendFile(List.of(), "meshwire", content, "cf-1", "notes.bin").get(WAIT_MS, TimeUnit.MILLISECONDS);
        carol.client.send(List.of(), "meshwire", "after the replay".getBytes(StandardCharsets.UTF_8), "m-1").get(WAIT_MS, TimeUnit.MILLISECONDS);
        await("bob got the packet after the replay", () -> count(b, "[lk:carol] after the replay") == 1, bridge);
        assertEquals(1, bridge.stats().duplicates(), bridge.stats().toString());

        b.fileAccept(offered.id(), tmp.resolve("bob-files").toString());
        await("bob has the file", () -> "done".equals(b.file(offered.id()).state()), bridge);
        assertArrayEquals(content, Files.readAllBytes(Path.of(b.file(offered.id()).path())), "byte-identical");
        await("the spooled copy is deleted once the transfer is done", () -> {
            try (var s = Files.list(spool)) {
                return s.findAny().isEmpty();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, bridge);
        assertEquals(1, incoming(b, "notes.bin").size(), "one file at bob");

        // Over --max-file-bytes: refused by its announced length, counted as dropped, nothing at bob.
        long droppedBefore = bridge.stats().dropped();
        byte[] tooBig = new byte[MAX_FILE + 1];
        carol.client.sendFile(List.of(), "meshwire", tooBig, "cf-2", "big.bin").get(WAIT_MS, TimeUnit.MILLISECONDS);
        await("the oversized stream is counted as dropped", () -> bridge.stats().dropped() == droppedBefore + 1, bridge);
        carol.client.send(List.of(), "meshwire", "after the big one".getBytes(StandardCharsets.UTF_8), "m-2").get(WAIT_MS, TimeUnit.MILLISECONDS);
        await("bob got the packet after the big one", () -> count(b, "[lk:carol] after the big one") == 1, bridge);
        assertTrue(incoming(b, "big.bin").isEmpty(), "nothing of the oversized stream reached bob");
        assertEquals(1, b.files(100).items().stream().filter(f -> "in".equals(f.direction())).count());
    }
}
