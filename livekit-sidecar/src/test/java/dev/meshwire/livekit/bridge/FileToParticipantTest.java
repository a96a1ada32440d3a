package dev.meshwire.livekit.bridge;

import static dev.meshwire.livekit.bridge.LiveKitBridgeTest.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.livekit.bridge.BridgeFixture.Participant;
import dev.meshwire.livekit.room.RoomData;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.api.FileItem;
import dev.meshwire.peer.ipc.api.FileSendRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * A file to a room participant, end to end (docs/livekit.md "Large payloads", docs/protocol.md §12.4 "Sub-peers"): a
 * real coordinator, two real daemons (alice runs the side-car as her delegated {@code livekit-room} service, bob is a
 * member), the stand-in LiveKit server and room participants on real WebRTC. Bob sends a 1 MiB file to {@code lk:carol}:
 * it travels over the mesh stream channel to the service (alice's daemon takes it, SHA-256-checked, into its home,
 * 0600 in 0700), bob's transfer completes, and the side-car sends it to carol only as a LiveKit byte data stream with
 * the transfer id as stream id — byte-identical, once — then the daemon removes it. dave gets nothing.
 */
class FileToParticipantTest extends BridgeTestBase {
    /** A participant that reassembles data streams up to 2 MiB (the room client's default is 256 KiB). */
    private Participant participant(String identity) throws Exception {
        return room.participant(room.config(identity).withMaxStreamBytes(2 << 20));
    }

    private static List<RoomData> ofSize(Participant p, int size) {
        synchronized (p) {
            return p.got.stream().filter(d -> d.payload().length == size).toList();
        }
    }

    @Test
    void aFileForAParticipantArrivesAsAByteStreamToHerOnly() throws Exception {
        LiveKitBridge bridge = bridge("bob");
        IpcClient b = mesh.bob.client();
        Participant carol = participant("carol");
        Participant dave = participant("dave");
        await("bob sees lk:carol online", () -> SubpeerPresenceTest.online(b, "lk:carol"), bridge);

        byte[] content = new byte[1 << 20];
        ThreadLocalRandom.current().nextBytes(content);
        Path file = tmp.resolve("report.bin");
        Files.write(file, content);
        FileItem sent = b.fileSend(new FileSendRequest(MESH, "lk:carol", file.toString()));
        assertEquals("lk:carol via alice/lkbridge", sent.peer().name(), sent.toString());

        await("carol got the file", () -> !ofSize(carol, content.length).isEmpty(), bridge);
        RoomData got = ofSize(carol, content.length).get(0);
        assertArrayEquals(content, got.payload(), "byte-identical");
        assertEquals("meshwire-bridge", got.fromIdentity());
        assertEquals("meshwire", got.topic());
        await("bob's transfer is done", () -> "done".equals(b.file(sent.id()).state()), bridge);
        await("the daemon let go of the delivered file", () -> mesh.alice.client().serviceFiles(MESH, "lkbridge").files().isEmpty(), bridge);
        Path dir;
        try (var s = Files.list(tmp.resolve("alice").resolve("daemon").resolve("service-files"))) {
            dir = s.findFirst().orElseThrow();
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count(), "the delivered file was removed");
        }
        assertEquals(1, ofSize(carol, content.length).size(), "once");
        assertTrue(ofSize(dave, content.length).isEmpty(), "dave got nothing");

        // A file over the service's limit is refused at the sender, before anything moves.
        Path big = tmp.resolve("big.bin");
        try (var raf = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            raf.setLength((64L << 20) + 1);
        }
        IpcException tooBig = assertThrows(IpcException.class, () -> b.fileSend(new FileSendRequest(MESH, "lk:carol", big.toString())));
        assertTrue(tooBig.getMessage().contains("may have at most 67108864"), tooBig.getMessage());
    }

    /**
     * The daemon half of room → mesh files (docs/ipc.md "Delegated services"): the side-car's service sends a 1 MiB
     * file to bob over the stream channel, on its own connection; bob accepts it and gets it byte-identical, named as
     * the service's. A service without stream:write is refused before anything moves.
     */
    @Test
    void theServiceSendsAFileToAMember() throws Exception {
        bridge("bob");
        IpcClient a = mesh.alice.client();
        IpcClient b = mesh.bob.client();
        byte[] content = new byte[1 << 20];
        ThreadLocalRandom.current().nextBytes(content);
        Path file = tmp.resolve("from-the-room.bin");
        Files.write(file, content);
        FileItem sent = a.serviceFileSend("lkbridge", new dev.meshwire.peer.ipc.api.ServiceFileSendRequest(MESH, "bob", file.toString()));
        await("bob is offered the file", () -> b.files(50).items().stream().anyMatch(f -> f.id().equals(sent.id()) && "offered".equals(f.state())));
        FileItem offered = b.file(sent.id());
        assertEquals("alice/lkbridge", offered.peer().name(), offered.toString());
        b.fileAccept(sent.id(), tmp.resolve("bob-files").toString());
        await("bob has it", () -> "done".equals(b.file(sent.id()).state()));
        assertArrayEquals(content, Files.readAllBytes(Path.of(b.file(sent.id()).path())), "byte-identical");
        await("the service's transfer is done", () -> "done".equals(a.file(sent.id()).state()));

        a.registerService(new dev.meshwire.peer.ipc.api.ServiceRegisterRequest(MESH, "plain", "livekit-room", "dm:read,dm:write", null, true));
        IpcException refused = assertThrows(IpcException.class,
                () -> a.serviceFileSend("plain", new dev.meshwire.peer.ipc.api.ServiceFileSendRequest(MESH, "bob", file.toString())));
        assertEquals("scope_refused", refused.code());
        assertEquals("service 'plain' may not send files: its scopes (dm:read,dm:write) lack stream:write", refused.getMessage());
    }
}
