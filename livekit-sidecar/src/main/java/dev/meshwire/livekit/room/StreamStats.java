package dev.meshwire.livekit.room;

/** A {@link RoomClient}'s data stream counters since start: sent (settled), received whole, refused. */
public record StreamStats(long sent, long received, long refused) {}
