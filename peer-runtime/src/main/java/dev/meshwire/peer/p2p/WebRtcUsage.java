package dev.meshwire.peer.p2p;

/**
 * Whether this process has created the WebRTC factory. Its own tiny class (no logger, no native code) so that a
 * process can ask at exit without loading NativeWebRtc, slf4j or the library.
 */
public final class WebRtcUsage {
    private static volatile boolean created;

    private WebRtcUsage() {}

    /** True once {@link NativeWebRtc} created the factory in this process. */
    public static boolean created() {
        return created;
    }

    static void markCreated() {
        created = true;
    }
}
