package dev.meshwire.peer.p2p;

/** Entry-point wrapper for the WebRTC benchmarks. */
final class BenchMain {
    interface Body {
        void run() throws Exception;
    }

    private BenchMain() {}

    /** Runs {@code body} and exits: webrtc-java's native threads are not daemon threads, so returning would hang. */
    static void runAndExit(Body body) {
        int code = 0;
        try {
            body.run();
        } catch (Throwable t) {
            t.printStackTrace(); // a benchmark's failure is reported to its operator, then the exit code says it failed
            code = 1;
        }
        System.exit(code);
    }
}
