package dev.meshwire.peer.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The library-missing path: one clear line, no throw, engine relay-only. */
class NativeWebRtcTest {
    @Test
    void missingLibpulseGivesOneLineNamingThePackage() {
        List<String> lines = new ArrayList<>();
        NativeWebRtc n = new NativeWebRtc(() -> {
            throw new UnsatisfiedLinkError("/tmp/libwebrtc-java-linux-x86_64.so: libpulse.so.0: cannot open shared object file: No such file or directory");
        }, lines::add);
        assertNull(n.factory());
        assertFalse(n.available());
        assertNull(n.factory(), "tried once, remembered");
        assertEquals(1, lines.size(), "exactly one line: " + lines);
        String line = lines.get(0);
        assertTrue(line.contains("apt-get install -y --no-install-recommends libpulse0"), line);
        assertTrue(line.contains("staying on the coordinator relay"), line);
        assertFalse(line.contains("\n"));
        assertTrue(n.unavailableReason().contains("libpulse0"));
    }

    @Test
    void otherLoadFailuresAreOneLineToo() {
        List<String> lines = new ArrayList<>();
        NativeWebRtc n = new NativeWebRtc(() -> {
            throw new ExceptionInInitializerError(new RuntimeException("Load library 'webrtc-java' failed",
                    new UnsatisfiedLinkError("GLIBC_2.18 not found")));
        }, lines::add);
        assertFalse(n.available());
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).contains("GLIBC_2.18 not found"), lines.get(0));
    }

    @Test
    void engineWithoutWebRtcStaysRelayOnlyAndFailsFast() throws Exception {
        NativeWebRtc n = new NativeWebRtc(() -> {
            throw new UnsatisfiedLinkError("libpulse.so.0: cannot open shared object file");
        }, s -> {});
        Identity me = Identity.generate();
        Identity peer = Identity.generate();
        try (InMemorySignaling hub = new InMemorySignaling();
             P2pEngine e = new P2pEngine(n, me, "m", Set.of(me.publicKeyHex(), peer.publicKeyHex())::contains,
                     hub.endpoint(me.publicKeyHex()), P2pConfig.defaults(), new Recorder())) {
            assertFalse(e.available());
            assertEquals(ConnectOutcome.UNAVAILABLE, e.connect(peer.publicKeyHex()));
            CompletableFuture<Ack> f = e.send(peer.publicKeyHex(), new byte[] {1});
            assertTrue(f.isCompletedExceptionally());
            P2pException x = (P2pException) f.handle((v, t) -> t).get();
            assertEquals(P2pException.NO_CHANNEL, x.code());
            assertTrue(x.retryable());
            P2pException bad = (P2pException) e.send(peer.publicKeyHex(), new byte[0]).handle((v, t) -> t).get();
            assertEquals(P2pException.BAD_MESSAGE, bad.code());
            assertFalse(bad.retryable());
        }
    }
}
