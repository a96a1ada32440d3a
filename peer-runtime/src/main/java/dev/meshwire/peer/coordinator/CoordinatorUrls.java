package dev.meshwire.peer.coordinator;

import dev.meshwire.peer.PeerException;
import java.net.URI;

/** Coordinator URL forms: users may type http(s):// or ws(s)://; invites carry ws(s)://host:port. */
public final class CoordinatorUrls {
    private CoordinatorUrls() {}

    /** Normalizes to the WebSocket base ({@code ws://host:port}, no path, no trailing slash). */
    public static String wsBase(String url) {
        URI u = parse(url);
        String scheme = switch (u.getScheme().toLowerCase()) {
            case "http", "ws" -> "ws";
            case "https", "wss" -> "wss";
            default -> throw new PeerException(PeerException.BAD_REQUEST,
                    "coordinator URL must start with ws://, wss://, http:// or https:// (got '" + url + "')");
        };
        return scheme + "://" + u.getRawAuthority();
    }

    /** The HTTP base for REST calls, from any accepted form. */
    public static String httpBase(String url) {
        String ws = wsBase(url);
        return (ws.startsWith("wss://") ? "https://" : "http://") + ws.substring(ws.indexOf("://") + 3);
    }

    /** The WebSocket endpoint (base + {@code /ws}). */
    public static String wsEndpoint(String url) {
        return wsBase(url) + "/ws";
    }

    private static URI parse(String url) {
        if (url == null || url.isBlank()) throw new PeerException(PeerException.BAD_REQUEST, "coordinator URL is empty");
        try {
            URI u = URI.create(url.trim());
            if (u.getScheme() == null || u.getRawAuthority() == null) throw new IllegalArgumentException();
            return u;
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "not a valid coordinator URL: '" + url + "'");
        }
    }
}
