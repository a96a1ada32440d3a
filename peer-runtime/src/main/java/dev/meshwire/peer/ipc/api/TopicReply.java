package dev.meshwire.peer.ipc.api;

/** What a topic act did: the topic ({@code #name}) and the coordinator's one-line account of it. */
public record TopicReply(String mesh, String topic, String detail) {}
