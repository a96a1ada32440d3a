package dev.meshwire.cli;

import ch.qos.logback.classic.LoggerContext;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.meshwire.peer.p2p.NativeWebRtc;
import dev.meshwire.peer.p2p.WebRtcUsage;
import org.slf4j.LoggerFactory;

/**
 * How a {@code meshwire} process ends.
 *
 * <p>Why not always {@code System.exit}: once webrtc-java's native library has run (a direct channel was used), the C
 * library's exit handlers tear down its native threads, and they try to attach to the JVM that is already gone — each
 * prints "VM attach current thread failed" / "Failed to attach thread N" on stdout (webrtc-java's JavaThreadEnv),
 * into the terminal, the journal or daemon.out. Nothing is lost at that point, but the noise looks like a crash. So a
 * process that created the WebRTC factory disposes it, flushes stdout, stderr and the log, and ends with
 * {@code _exit(2)}, which skips those handlers. The caller has closed everything Java-side before (the daemon's
 * stores and links, the coordinator). Any other process exits normally.
 */
final class ProcessExit {
    private ProcessExit() {}

    /** The C library's {@code _exit}: ends the process at once, without atexit handlers or static destructors. */
    interface LibC extends Library {
        void _exit(int status);
    }

    /** Ends the process with {@code code}: the last step of Main.main. */
    static void exit(int code) {
        // WebRtcUsage, not NativeWebRtc: asking must not load slf4j, logback or the library into a one-shot verb
        if (!WebRtcUsage.created()) {
            System.exit(code);
            return;
        }
        quietly(code);
    }

    /**
     * From a shutdown hook (SIGTERM), after the hook closed everything: ends the process quietly if WebRTC ran, else
     * returns and lets the JVM finish its exit (calling System.exit inside a hook would block forever).
     */
    static void fromShutdownHook(int code) {
        if (WebRtcUsage.created()) quietly(code);
    }

    private static void quietly(int code) {
        Quiet.exit(code);
    }

    /** The quiet path, in its own class so that its references (logback, JNA) load only when it runs. */
    private static final class Quiet {
        static void exit(int code) {
            NativeWebRtc.get().shutdown();
            System.out.flush();
            System.err.flush();
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) ctx.stop();
            try {
                Native.load("c", LibC.class)._exit(code);
            } catch (Throwable t) { // no JNA here: the normal exit (and its noise); halt, as this may run inside a hook
                Runtime.getRuntime().halt(code);
            }
        }
    }
}
