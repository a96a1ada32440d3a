package dev.meshwire.peer.p2p;

/**
 * The daemon's direct-channel policy (config {@code p2p}, env {@code MESHWIRE_P2P}).
 * {@code auto}: relay first, upgrade to a direct channel when both sides can. {@code off}: relay
 * only, no p2p capability advertised. {@code force}: direct or nothing (sends wait in the outbox
 * until a channel is open; for testing the direct path).
 */
public enum P2pMode {
    AUTO, OFF, FORCE;

    public static P2pMode parse(String v) {
        return switch (v == null ? "" : v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "", "auto", "on" -> AUTO;
            case "off", "no", "false", "0" -> OFF;
            case "force" -> FORCE;
            default -> throw new IllegalArgumentException("p2p must be auto, off or force (got '" + v + "')");
        };
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
