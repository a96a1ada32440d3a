package dev.meshwire.peer.ipc;

import java.util.Map;

/** Owner-only moderation: {@code /v1/kick}, {@code /v1/ban}, {@code /v1/unban}, {@code /v1/bans}. */
public interface ModerationApi {
    /** {@code op} is kick, ban or unban. */
    Map<String, Object> moderate(String op, String mesh, String peer);

    Map<String, Object> bans(String mesh);
}
