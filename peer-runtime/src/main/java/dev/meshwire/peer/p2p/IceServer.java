package dev.meshwire.peer.p2p;

import java.util.List;

/**
 * One STUN or TURN server, as the coordinator announces it (WebRTC's RTCIceServer shape).
 *
 * @param urls       e.g. {@code stun:host:3478}, {@code turn:host:3478?transport=udp}; never empty
 * @param username   TURN user name, null for STUN
 * @param credential TURN password, null for STUN
 */
public record IceServer(List<String> urls, String username, String credential) {
    public IceServer {
        if (urls == null || urls.isEmpty()) throw new IllegalArgumentException("an ICE server needs at least one url");
        urls = List.copyOf(urls);
    }

    public static IceServer stun(String url) {
        return new IceServer(List.of(url), null, null);
    }

    @Override
    public String toString() {
        // The credential is a secret: never in logs.
        return "IceServer" + urls + (username == null ? "" : " user=" + username);
    }
}
