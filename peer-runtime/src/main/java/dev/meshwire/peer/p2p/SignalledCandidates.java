package dev.meshwire.peer.p2p;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The candidates the peer trickled to this session, by {@code address:port}, so that a remote candidate ICE learned
 * as peer-reflexive can be named by what the peer said it is. libwebrtc's stats report lists a remote candidate only
 * while some candidate pair uses it, so the trickled twin of a prflx candidate may be missing from the report (seen
 * on a flat LAN in the NAT matrix: one end read "direct host", the other "direct prflx" for the rest of the run).
 * Thread-safe: filled on the signalling path, read from the stats callback.
 */
final class SignalledCandidates {
    /** Enough for any real ICE agent; a peer that trickles more is not believed beyond it. */
    private static final int MAX = 256;

    private final Map<String, String> typeByAddress = new ConcurrentHashMap<>();

    static SignalledCandidates none() {
        return new SignalledCandidates();
    }

    /**
     * Records one trickled candidate from its SDP attribute ({@code candidate:F 1 udp P ADDRESS PORT typ TYPE ...});
     * a line that does not parse is ignored here (ICE itself decides whether it is usable).
     */
    void add(String sdpCandidate) {
        if (sdpCandidate == null || typeByAddress.size() >= MAX) return;
        String[] f = sdpCandidate.trim().split("\\s+");
        if (f.length < 8 || !"typ".equals(f[6])) return;
        String type = f[7].toLowerCase(Locale.ROOT);
        if ("prflx".equals(type)) return;
        // A relay candidate wins over any other at the same address: that address is the TURN server's.
        typeByAddress.merge(key(f[4], f[5]), type, (old, now) -> "relay".equals(old) ? old : now);
    }

    /** The type the peer trickled for this address and port, or null if it trickled none there. */
    String typeOf(String address, String port) {
        return typeByAddress.get(key(address, port));
    }

    private static String key(String address, String port) {
        return address.toLowerCase(Locale.ROOT) + " " + port;
    }
}
