package dev.meshwire.cli.term;

/**
 * The one vocabulary for how a message travels, used by {@code peers}, {@code inbox}, {@code watch},
 * {@code ping} and {@code demo} alike. The words are the daemon's own {@code path} values
 * (docs/ipc.md), so text and {@code --json} say the same thing:
 * <ul>
 *   <li>{@code coordinator relay}: through the coordinator's WebSocket (always available);</li>
 *   <li>{@code direct host}: a direct channel between local addresses (same machine or LAN);</li>
 *   <li>{@code direct srflx}: a direct channel through NAT (an address STUN discovered);</li>
 *   <li>{@code direct prflx}: a direct channel to an address learned during the ICE checks that matches no
 *       address the peer announced (typically a symmetric NAT);</li>
 *   <li>{@code direct}: a direct channel whose candidate pair is not known yet;</li>
 *   <li>{@code turn udp}, {@code turn tcp}, {@code turn tls}: a direct channel relayed by a TURN server,
 *       named by the transport to it.</li>
 * </ul>
 * Direct paths are green, TURN yellow and the coordinator relay cyan, when colour is on.
 */
public final class PathLabel {
    public static final String RELAY = "coordinator relay";

    private PathLabel() {}

    /** The label for a daemon {@code path} value; null or blank (unknown) is {@code -}. */
    public static String of(String path) {
        return path == null || path.isBlank() ? "-" : path.trim();
    }

    /** {@link #of} in the path's colour. */
    public static String styled(String path, Style style) {
        String l = of(path);
        if (l.startsWith("direct")) return style.green(l);
        if (l.startsWith("turn")) return style.yellow(l);
        if (l.equals(RELAY)) return style.cyan(l);
        return l;
    }
}
