package dev.meshwire.livekit.room;

/** A {@link RoomClient}'s counters since start. */
public record RoomStats(long joins, long packetsOut, long bytesOut, long packetsIn, long bytesIn, boolean connected) {}
