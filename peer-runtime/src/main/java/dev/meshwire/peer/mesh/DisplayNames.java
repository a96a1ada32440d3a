package dev.meshwire.peer.mesh;

import java.io.IOException;
import java.net.InetAddress;

/** The display name a member gets when they do not choose one. */
public final class DisplayNames {
    private DisplayNames() {}

    /** The host name reduced to a valid display name ("peer" if nothing usable remains). */
    public static String fromHostName() {
        String h;
        try {
            h = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            h = System.getenv().getOrDefault("HOSTNAME", "peer");
        }
        String s = h.split("\\.")[0].replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (s.length() > 32) s = s.substring(0, 32);
        return s.isEmpty() ? "peer" : s;
    }
}
