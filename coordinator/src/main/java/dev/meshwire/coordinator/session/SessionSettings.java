package dev.meshwire.coordinator.session;

import dev.meshwire.coordinator.flow.FlowLimits;
import dev.meshwire.coordinator.ice.IceServerIssuer;
import dev.meshwire.coordinator.presence.ResumeTokens;
import java.time.Duration;

/**
 * Per-session limits and the values announced in {@code hello_ack}, fixed at start-up.
 *
 * @param authTimeout how long a connection may stay unauthenticated
 * @param iceServers  the STUN/TURN entries each member gets in hello_ack (TURN credentials are per member)
 * @param flow        outbound backpressure and signalling rate limits
 * @param resume      issues and checks the resume tokens of hello_ack / hello
 */
public record SessionSettings(String coordinatorVersion, long maxFrameBytes, Duration pingInterval, Duration deadAfter,
                              Duration authTimeout, IceServerIssuer iceServers, FlowLimits flow, ResumeTokens resume) {
    public static final int PROTOCOL_VERSION = 1;

    /** How often a session checks its liveness: a fraction of the shortest interval, so detection is prompt. */
    public long tickMillis() {
        long shortest = Math.min(pingInterval.toMillis(), deadAfter.toMillis());
        return Math.max(10, shortest / 4);
    }
}
