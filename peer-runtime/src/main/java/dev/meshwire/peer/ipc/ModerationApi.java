package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.BansReply;
import dev.meshwire.peer.ipc.api.ModerationReply;

/** Owner-only moderation: {@code /v1/kick}, {@code /v1/ban}, {@code /v1/unban}, {@code /v1/bans}. */
public interface ModerationApi {
    /** {@code op} is kick, ban or unban. */
    ModerationReply moderate(String op, String mesh, String peer);

    BansReply bans(String mesh);
}
