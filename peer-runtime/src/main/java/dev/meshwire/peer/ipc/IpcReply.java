package dev.meshwire.peer.ipc;

/** A {@link DaemonApi} answer with an HTTP status other than 200 (e.g. 202 for an accepted send). */
public record IpcReply<T>(int status, T body) {}
