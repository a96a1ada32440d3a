package dev.meshwire.livekit.bridge;

/**
 * What one side-car bridges.
 *
 * @param mesh    the mesh (as the local daemon names it)
 * @param service the side-car's service name in the mesh (a delegated {@code livekit-room} service of this daemon)
 * @param topic   the LiveKit data topic bridged both ways
 * @param target  where room messages go in the mesh: a member name or key, or {@code *}
 */
public record BridgeConfig(String mesh, String service, String topic, String target) {
    /** The scopes the side-car's service is registered with: read dms (and receive files), write dms, send files and broadcasts. */
    public static final String SCOPES = "dm:read,dm:write,stream:write,topic:write";
    /** The service type of a LiveKit side-car (the seeds' {@code service_type: "livekit-room"}). */
    public static final String TYPE = "livekit-room";

    public BridgeConfig {
        if (service == null || !service.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("the service name must match [a-z0-9][a-z0-9._-]{0,63}: " + service);
        }
        if (target == null || target.isBlank()) throw new IllegalArgumentException("the mesh target is empty");
        if (topic == null) throw new IllegalArgumentException("the topic is null");
    }
}
