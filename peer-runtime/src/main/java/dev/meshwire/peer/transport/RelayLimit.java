package dev.meshwire.peer.transport;

import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.signaling.frame.Frames;

/**
 * Whether an envelope fits through the coordinator relay. The coordinator refuses any frame larger
 * than its {@code maxFrameBytes} (from {@code hello_ack}); an envelope carries its ciphertext in
 * base64 inside JSON, so a message of N bytes is about 1.34 N on the wire. Envelopes that do not fit
 * are <em>direct-only</em>: they may only travel over a WebRTC data channel (docs/delivery.md §9).
 */
public final class RelayLimit {
    /** The coordinator's default, assumed until the mesh's first {@code hello_ack} tells us its own. */
    public static final long DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
    /** The {@code send} frame around the envelope: type, id, 64-hex recipient, field names; generous on purpose. */
    static final int SEND_FRAME_OVERHEAD = 512;

    private RelayLimit() {}

    /** The relay's frame limit for this mesh's coordinator. */
    public static long maxFrameBytes(MeshSession mesh) {
        Frames.HelloAck ack = mesh.link().lastAck();
        return ack == null || ack.maxFrameBytes() <= 0 ? DEFAULT_MAX_FRAME_BYTES : ack.maxFrameBytes();
    }

    /** True when an envelope of {@code envelopeBytes} (UTF-8 JSON) can go as a relay {@code send} frame. */
    public static boolean fits(MeshSession mesh, long envelopeBytes) {
        return envelopeBytes + SEND_FRAME_OVERHEAD <= maxFrameBytes(mesh);
    }
}
