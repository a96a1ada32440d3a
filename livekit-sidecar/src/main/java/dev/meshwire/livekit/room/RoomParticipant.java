package dev.meshwire.livekit.room;

/** Another participant of the room, as the signal server described it. */
public record RoomParticipant(String identity, String sid, String name) {}
