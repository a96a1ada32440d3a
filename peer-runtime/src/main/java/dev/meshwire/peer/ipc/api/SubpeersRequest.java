package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * The body of {@code POST /v1/services/{name}/subpeers}: the whole set of sub-peers the delegated service {@code name}
 * of {@code mesh} (the only joined mesh when omitted) fronts now, e.g. {@code ["lk:alice", "lk:bob"]}; an empty list
 * when nobody is there (docs/protocol.md §6.5). Each name is {@code <kind>:<local>}.
 */
public record SubpeersRequest(String mesh, List<String> names) {}
