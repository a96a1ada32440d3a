package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.fail;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.SealedBody;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket peer for tests: connects to {@code /ws}, records every frame, answers the
 * coordinator's pings (unless told to stay silent) and waits for frames or the close with deadlines.
 */
final class TestPeer implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    final Identity identity;
    private final WebSocketClient client; // kept in a field: an unreachable client is closed by a Cleaner
    private final ClientWebSocket ws;
    private final List<Frame> inbox = new ArrayList<>();
    private final List<Frame> seen = new ArrayList<>();
    private Integer closeCode;
    private String closeReason;
    volatile boolean answerPings = true;
    private final String nonce;

    private TestPeer(Vertx vertx, int port, Identity identity) throws Exception {
        this.identity = identity;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(8 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
        this.ws = client.webSocket();
        ws.textMessageHandler(this::onText);
        ws.closeHandler(v -> {
            synchronized (this) {
                Short code = ws.closeStatusCode();
                closeCode = code == null ? 1006 : (int) code;
                closeReason = ws.closeReason();
                notifyAll();
            }
        });
        ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
                .await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        this.nonce = await(Frames.Challenge.class).nonce();
    }

    static TestPeer connect(Vertx vertx, int port) throws Exception {
        return new TestPeer(vertx, port, Identity.generate());
    }

    static TestPeer connect(Vertx vertx, int port, Identity identity) throws Exception {
        return new TestPeer(vertx, port, identity);
    }

    private void onText(String text) {
        Frame f = FrameCodec.decode(text);
        if (f instanceof Frames.Ping p && answerPings) sendRaw(FrameCodec.encode(new Frames.Pong(p.id())));
        synchronized (this) {
            inbox.add(f);
            seen.add(f);
            notifyAll();
        }
    }

    String nonce() {
        return nonce;
    }

    String pubkey() {
        return identity.publicKeyHex();
    }

    void sendRaw(String text) {
        ws.writeTextMessage(text);
    }

    void send(Frame frame) {
        sendRaw(FrameCodec.encode(frame));
    }

    <T extends Frame> T await(Class<T> type) throws InterruptedException {
        return await(type, t -> true);
    }

    /** Removes and returns the first received frame of {@code type} matching {@code p}, waiting up to {@link #TIMEOUT}. */
    synchronized <T extends Frame> T await(Class<T> type, Predicate<T> p) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            for (int i = 0; i < inbox.size(); i++) {
                Frame f = inbox.get(i);
                if (type.isInstance(f) && p.test(type.cast(f))) {
                    inbox.remove(i);
                    return type.cast(f);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) fail("no " + type.getSimpleName() + " within " + TIMEOUT + "; got " + inbox + ", close " + closeCode);
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Waits until {@code p} accepts one of the frames received so far (it is called on each, in order). */
    synchronized void awaitAny(Predicate<Frame> p) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < seen.size(); checked++) {
                if (p.test(seen.get(checked))) return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) fail("expected frame did not arrive; got " + seen + ", close " + closeCode);
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Every frame received so far (consumed or not), for assertions that something did NOT arrive before a later event. */
    synchronized List<Frame> seen() {
        return List.copyOf(seen);
    }

    synchronized int awaitClose() throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (closeCode == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) fail("connection not closed within " + TIMEOUT + "; frames " + inbox);
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return closeCode;
    }

    synchronized String closeReason() {
        return closeReason;
    }

    // ---- protocol helpers ----

    Frames.Hello helloFrame(String meshId) {
        return new Frames.Hello("h1", meshId, pubkey(), new Frames.Capabilities(false, 1 << 20, List.of("test")),
                identity.signHex(Canonical.hello(meshId, pubkey(), nonce)));
    }

    Frames.HelloAck hello(String meshId) throws InterruptedException {
        send(helloFrame(meshId));
        return awaitAckOrFail();
    }

    /** A hello carrying {@code resumeToken} (docs/protocol.md "Continuous presence"). */
    Frames.HelloAck hello(String meshId, String resumeToken) throws InterruptedException {
        Frames.Hello h = helloFrame(meshId);
        send(new Frames.Hello(h.id(), h.mesh(), h.pubkey(), h.capabilities(), h.signature(), null, resumeToken));
        return awaitAckOrFail();
    }

    Frames.Join joinFrame(String invite, String inviteId, String meshId, String name) {
        return new Frames.Join("j1", invite, pubkey(), name, null,
                identity.signHex(Canonical.join(inviteId, meshId, pubkey(), name, nonce)));
    }

    /** The mesh_sync that followed the last hello_ack (consumed by {@link #awaitAckOrFail}). */
    volatile Frames.MeshSync lastSync;

    /**
     * Waits for hello_ack and the mesh_sync the coordinator sends right after it (both consumed; the sync
     * is kept in {@link #lastSync}), so tests see the frames that follow authentication.
     */
    Frames.HelloAck awaitAckOrFail() throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (this) {
            while (true) {
                for (Frame f : inbox) {
                    if (f instanceof Frames.HelloAck a) {
                        inbox.remove(f);
                        lastSync = await(Frames.MeshSync.class, s -> s.id() == null);
                        int ackAt = seen.indexOf(a);
                        int syncAt = seen.indexOf(lastSync);
                        for (int i = ackAt; i < syncAt; i++) {
                            if (seen.get(i) instanceof Frames.Deliver) fail("a deliver arrived before the mesh_sync: " + seen);
                        }
                        return a;
                    }
                    if (f instanceof Frames.Error e) fail("authentication refused: " + e);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) fail("no hello_ack; got " + inbox + ", close " + closeCode);
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    /** A dm envelope sealed to {@code recipient} and signed by this peer. */
    Envelope dm(Identity recipient, String text) {
        SealedBody sealed = new BoxCipher(identity).seal(recipient.publicKey(), text.getBytes(StandardCharsets.UTF_8));
        Body body = new Body(Base64.getEncoder().encodeToString(sealed.nonce()), Base64.getEncoder().encodeToString(sealed.ciphertext()), Body.TEXT_V1);
        Envelope unsigned = new Envelope(Envelope.VERSION, Channel.DM, recipient.publicKeyHex(), pubkey(), body,
                Meta.of(UUID.randomUUID().toString(), Priority.NEXT, System.currentTimeMillis()), null);
        return EnvelopeSignature.sign(unsigned, identity);
    }

    /**
     * A session_hello for this peer's key as a session of {@code parent}, with {@code attestation}, signed by
     * {@code signer} (normally this peer's identity) over {@code signedMesh}, at {@code timestamp}.
     */
    Frames.SessionHello sessionHelloFrame(String meshId, String signedMesh, Identity parent, Identity signer,
                                          dev.meshwire.signaling.session.SessionAttestation attestation, long timestamp, String name) {
        String sig = signer.signHex(Canonical.sessionHello(signedMesh, parent.publicKeyHex(), pubkey(), timestamp, nonce));
        return new Frames.SessionHello("s1", meshId, pubkey(), parent.publicKeyHex(), name, attestation, timestamp,
                new Frames.Capabilities(false, 1 << 20, List.of("test")), sig, null);
    }

    /**
     * A session_hello of a <b>service</b>: this peer's key is the service key, {@code owner} the member whose
     * registered {@code attestation} vouches for it (docs/protocol.md §6.4), signed by this peer over the challenge.
     */
    Frames.SessionHello serviceHelloFrame(String meshId, Identity owner, dev.meshwire.signaling.service.ServiceAttestation attestation) {
        long now = System.currentTimeMillis();
        String sig = identity.signHex(Canonical.sessionHello(meshId, owner.publicKeyHex(), pubkey(), now, nonce));
        return new Frames.SessionHello("svc", meshId, pubkey(), owner.publicKeyHex(), null, null, now,
                new Frames.Capabilities(false, 1 << 20, List.of("test")), sig, null, attestation);
    }

    /** Authenticates as a valid session of {@code parent} (1 h attestation with {@code caps}) and returns its hello_ack. */
    Frames.HelloAck sessionHello(String meshId, Identity parent, List<String> caps, String name) throws InterruptedException {
        var att = dev.meshwire.signaling.session.SessionAttestation.sign(parent, pubkey(), System.currentTimeMillis() + 3_600_000, caps);
        send(sessionHelloFrame(meshId, meshId, parent, identity, att, System.currentTimeMillis(), name));
        return awaitAckOrFail();
    }

    /**
     * Authenticates as a session of {@code parent} with a given {@code attestation} (so that a reconnect presents the
     * same one) and {@code resumeToken} (null: none), and returns its hello_ack.
     */
    Frames.HelloAck sessionHello(String meshId, Identity parent, dev.meshwire.signaling.session.SessionAttestation attestation,
                                 String name, String resumeToken) throws InterruptedException {
        Frames.SessionHello h = sessionHelloFrame(meshId, meshId, parent, identity, attestation, System.currentTimeMillis(), name);
        send(new Frames.SessionHello(h.id(), h.mesh(), h.pubkey(), h.parent(), h.name(), h.attestation(), h.timestamp(),
                h.capabilities(), h.signature(), null, null, resumeToken));
        return awaitAckOrFail();
    }

    /** A service's session_hello ({@link #serviceHelloFrame}) carrying {@code resumeToken} (null: none). */
    Frames.SessionHello serviceHelloFrame(String meshId, Identity owner, dev.meshwire.signaling.service.ServiceAttestation attestation,
                                          String resumeToken) {
        Frames.SessionHello h = serviceHelloFrame(meshId, owner, attestation);
        return new Frames.SessionHello(h.id(), h.mesh(), h.pubkey(), h.parent(), h.name(), null, h.timestamp(), h.capabilities(),
                h.signature(), null, attestation, resumeToken);
    }

    /** One copy of a {@code *} broadcast (channel group), sealed to {@code recipient} and signed by this peer. */
    Envelope broadcastCopy(Identity recipient, String text, String clientMessageId) {
        SealedBody sealed = new BoxCipher(identity).seal(recipient.publicKey(), text.getBytes(StandardCharsets.UTF_8));
        Body body = new Body(Base64.getEncoder().encodeToString(sealed.nonce()), Base64.getEncoder().encodeToString(sealed.ciphertext()), Body.TEXT_V1);
        return EnvelopeSignature.sign(new Envelope(Envelope.VERSION, Channel.GROUP, "*", pubkey(), body,
                Meta.of(clientMessageId, Priority.NEXT, System.currentTimeMillis()), null), identity);
    }

    /** A dm envelope with a chosen clientMessageId and optional meta.expiresAt. */
    Envelope dm(Identity recipient, String text, String clientMessageId, Long expiresAt) {
        SealedBody sealed = new BoxCipher(identity).seal(recipient.publicKey(), text.getBytes(StandardCharsets.UTF_8));
        Body body = new Body(Base64.getEncoder().encodeToString(sealed.nonce()), Base64.getEncoder().encodeToString(sealed.ciphertext()), Body.TEXT_V1);
        Meta meta = new Meta(clientMessageId, null, Priority.NEXT, null, null, null, null, null, null, null, null, expiresAt, System.currentTimeMillis());
        return EnvelopeSignature.sign(new Envelope(Envelope.VERSION, Channel.DM, recipient.publicKeyHex(), pubkey(), body, meta, null), identity);
    }

    /** Sends a ping and waits for its pong: every frame sent before has been processed by the coordinator. */
    void sync(String id) throws InterruptedException {
        send(new Frames.Ping(id));
        await(Frames.Pong.class, p -> id.equals(p.id()));
    }

    /**
     * Closes with 1000 as a client whose connection is merely lost would (it means to come back): the coordinator
     * holds its presence for the lease.
     */
    void drop() {
        try {
            ws.close((short) 1000, "dropped").await(5, TimeUnit.SECONDS);
            awaitClose(); // the coordinator has seen the close: a reconnect that follows cannot overtake it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception ignored) {
            // already closed
        }
        client.close();
    }

    /** Closes with 1001 (going away): the coordinator ends this member's presence at once. */
    @Override
    public void close() {
        try {
            ws.close((short) 1001, "test peer done").await(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already closed
        }
        client.close();
    }
}
