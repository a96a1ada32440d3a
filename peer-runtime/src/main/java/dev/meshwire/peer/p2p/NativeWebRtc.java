package dev.meshwire.peer.p2p;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link PeerConnectionFactory} of this process, created on first use.
 *
 * <p>Why one: each factory leaks two native threads even after {@code dispose()}. Why
 * {@link HeadlessAudioDeviceModule}: the no-argument constructor aborts the whole JVM (SIGABRT) on a
 * machine without sound hardware. If the native library cannot load (most often {@code libpulse.so.0}
 * missing), one warning line says which package to install and direct channels stay off: the caller
 * keeps using the relay. No stack trace, no abort.
 *
 * <p>The factory's native threads are not daemon threads: a process that uses it must call
 * {@link #shutdown()} (after {@link P2pEngine#close()}) and/or {@code System.exit}.
 */
public final class NativeWebRtc {
    private static final Logger LOG = LoggerFactory.getLogger(NativeWebRtc.class);
    private static final NativeWebRtc INSTANCE = new NativeWebRtc(
            () -> new PeerConnectionFactory(new HeadlessAudioDeviceModule()), LOG::warn);

    private final Supplier<PeerConnectionFactory> creator;
    private final Consumer<String> warn;
    private PeerConnectionFactory factory;
    private String unavailableReason;
    private boolean disposed;
    private boolean created;

    /** For tests only: a creator that may fail, and where the one warning line goes. */
    NativeWebRtc(Supplier<PeerConnectionFactory> creator, Consumer<String> warn) {
        this.creator = creator;
        this.warn = warn;
    }

    /** The process-wide instance. */
    public static NativeWebRtc get() {
        return INSTANCE;
    }

    /**
     * Returns the factory, creating it on first call, or null if WebRTC is unavailable in this
     * process (library failed to load, or {@link #shutdown()} ran). Never throws.
     */
    public synchronized PeerConnectionFactory factory() {
        if (factory != null || unavailableReason != null) return factory;
        if (disposed) return null;
        try {
            factory = creator.get();
            created = true;
            WebRtcUsage.markCreated();
        } catch (Throwable t) { // UnsatisfiedLinkError, ExceptionInInitializerError, NoClassDefFoundError, RuntimeException
            unavailableReason = describe(t);
            warn.accept("direct P2P channels disabled, staying on the coordinator relay: " + unavailableReason);
        }
        return factory;
    }

    /** Whether this process ever created the factory (and so runs the native library's threads). Does not load it. */
    public synchronized boolean everCreated() {
        return created;
    }

    /** Returns true if a factory exists or can be created. Loads the library on first call. */
    public boolean available() {
        return factory() != null;
    }

    /** Returns why WebRTC is unavailable, or null if it is available (or not tried yet). */
    public synchronized String unavailableReason() {
        return disposed && unavailableReason == null ? "WebRTC was shut down" : unavailableReason;
    }

    /**
     * Disposes the factory. Call once at process exit, after every engine using it was closed
     * (disposing under open peer connections crashes the native side). Later calls do nothing.
     */
    public synchronized void shutdown() {
        if (disposed) return;
        disposed = true;
        if (factory != null) {
            try {
                factory.dispose();
            } catch (Throwable t) {
                warn.accept("WebRTC factory dispose failed: " + t);
            }
            factory = null;
        }
    }

    /** One line, no stack trace, naming the apt package when the cause is the missing PulseAudio client. */
    static String describe(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null && all.length() < 4000; c = c.getCause() == c ? null : c.getCause()) {
            all.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" / ");
        }
        String text = all.toString();
        String first = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String cause = root == t ? first : root.getClass().getSimpleName() + ": " + root.getMessage();
        cause = cause.replace('\n', ' ');
        if (text.contains("libpulse")) {
            return "the WebRTC native library needs libpulse.so.0; install it with: apt-get install -y --no-install-recommends libpulse0 (" + cause + ")";
        }
        return "the WebRTC native library could not load (" + cause + ")";
    }
}
