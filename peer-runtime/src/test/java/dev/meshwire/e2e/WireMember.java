package dev.meshwire.e2e;

import dev.meshwire.coordinator.RawWebSocket;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.invite.Invite;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A mesh member speaking the wire protocol over a {@link RawWebSocket}: it reads only when told to, so a
 * test can make it a reader that never reads. Once {@link #startReading()} runs, a thread records every
 * frame and answers the coordinator's pings.
 */
final class WireMember implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final Identity identity;
    final RawWebSocket ws;
    private final String nonce;
    private final List<Frame> inbox = new ArrayList<>();
    private Integer closeCode;
    private Thread reader;

    private WireMember(Identity identity, RawWebSocket ws) throws IOException {
        this.identity = identity;
        this.ws = ws;
        this.nonce = ((Frames.Challenge) FrameCodec.decode(ws.read().text())).nonce();
    }

    /** Connects with a small receive buffer (a stall backs up into the coordinator quickly). */
    static WireMember connect(int port, Identity identity) throws IOException {
        return new WireMember(identity, RawWebSocket.connect("127.0.0.1", port, "/ws", 16 * 1024));
    }

    String pubkey() {
        return identity.publicKeyHex();
    }

    /** hello as an existing member; reads up to the mesh_sync that follows hello_ack. */
    WireMember hello(String meshId) throws IOException {
        send(new Frames.Hello("h1", meshId, pubkey(), null, identity.signHex(Canonical.hello(meshId, pubkey(), nonce)), null));
        return awaitAdmitted();
    }

    WireMember join(Invite invite, String name) throws IOException {
        send(new Frames.Join("j1", invite.encode(), pubkey(), name, null,
                identity.signHex(Canonical.join(invite.inviteId(), invite.mesh(), pubkey(), name, nonce))));
        return awaitAdmitted();
    }

    private WireMember awaitAdmitted() throws IOException {
        boolean acked = false;
        while (true) {
            Frame f = FrameCodec.decode(ws.read().text());
            if (f instanceof Frames.Error e) throw new IOException("refused: " + e);
            if (f instanceof Frames.HelloAck) acked = true;
            if (acked && f instanceof Frames.MeshSync s && s.id() == null) return this;
        }
    }

    void send(Frame f) throws IOException {
        ws.sendText(FrameCodec.encode(f));
    }

    /** A signed dm to {@code recipient} with {@code bodyBytes} of (random, never opened) ciphertext. */
    Frames.Send dm(String id, Identity recipient, int bodyBytes, Random random) {
        byte[] nonceBytes = new byte[24];
        byte[] cipher = new byte[bodyBytes];
        random.nextBytes(nonceBytes);
        random.nextBytes(cipher);
        Body body = new Body(Base64.getEncoder().encodeToString(nonceBytes), Base64.getEncoder().encodeToString(cipher), Body.TEXT_V1);
        Envelope unsigned = new Envelope(Envelope.VERSION, Channel.DM, recipient.publicKeyHex(), pubkey(), body,
                Meta.of(UUID.randomUUID().toString(), Priority.NEXT, System.currentTimeMillis()), null);
        return new Frames.Send(id, recipient.publicKeyHex(), EnvelopeSignature.sign(unsigned, identity));
    }

    /** Starts the reader thread: every frame is recorded, pings are answered, a close frame or the end of the stream ends it. */
    void startReading() {
        reader = new Thread(() -> {
            try {
                while (true) {
                    RawWebSocket.Frame m = ws.read();
                    if (m.opcode() == 8) {
                        closed(m.closeCode());
                        return;
                    }
                    if (m.opcode() != 1) continue;
                    Frame f = FrameCodec.decode(m.text());
                    if (f instanceof Frames.Ping p) send(new Frames.Pong(p.id()));
                    synchronized (this) {
                        inbox.add(f);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                closed(1006);
            }
        }, "wire-member-" + pubkey().substring(0, 8));
        reader.setDaemon(true);
        reader.start();
    }

    private synchronized void closed(int code) {
        if (closeCode == null) closeCode = code;
        notifyAll();
    }

    synchronized Integer closeCode() {
        return closeCode;
    }

    /** Every recorded frame of {@code type}, in arrival order. */
    synchronized <T extends Frame> List<T> received(Class<T> type) {
        return inbox.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Waits for a recorded frame of {@code type} matching {@code p} (not removed). */
    synchronized <T extends Frame> T await(Class<T> type, Predicate<T> p) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            for (Frame f : inbox) {
                if (type.isInstance(f) && p.test(type.cast(f))) return type.cast(f);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new AssertionError("no " + type.getSimpleName() + " within " + TIMEOUT + " (close " + closeCode + ")");
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public void close() throws IOException {
        ws.close();
    }
}
