package dev.meshwire.signaling.grants;

/**
 * One grant as a mesh state holds it: {@code recipient} lets {@code sender} (a key, or {@link Grants#ANY})
 * do {@code caps} (the wire CSV of {@link Caps}; "" = blocked). {@code at} is when it was set (epoch ms).
 */
public record GrantEntry(String recipient, String sender, String caps, long at) {}
