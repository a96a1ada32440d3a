package dev.meshwire.peer.ipc.api;

/**
 * {@code POST /v1/sidecars/report}: what a running side-car tells its daemon about itself, every few seconds (managed or
 * not). The daemon keeps the last one per {@code name} in memory and shows it in {@code GET /v1/sidecars}.
 *
 * @param name             the bridge's name (its service name)
 * @param kind             the side-car verb, e.g. {@code livekit}
 * @param pid              the side-car's process id
 * @param mesh             the mesh it bridges into
 * @param service          its service name in the mesh
 * @param url              the system it bridges (the LiveKit server)
 * @param room             the room (or channel) it sits in there
 * @param connected        whether it is in the room now ({@code false}: (re)joining)
 * @param participants     the others in the room
 * @param packetsToRoom    packets it sent into the room
 * @param bytesToRoom      their payload bytes
 * @param packetsFromRoom  packets it received from the room
 * @param bytesFromRoom    their payload bytes
 * @param roomToMesh       room packets delivered into the mesh
 * @param meshToRoom       mesh messages the room accepted
 * @param refused          mesh messages answered as undeliverable
 * @param dropped          room packets the mesh refused
 * @param duplicates       room packets the mesh had already (replays), not shown twice
 * @param reconnects       re-joins of the room since the side-car started
 * @param queueToMesh      room packets waiting for the mesh
 * @param queueToRoom      mesh messages waiting in the service inbox
 * @param lastError        the last failure (empty if none)
 */
public record SidecarReport(String name, String kind, long pid, String mesh, String service, String url, String room, boolean connected,
                            int participants, long packetsToRoom, long bytesToRoom, long packetsFromRoom, long bytesFromRoom,
                            long roomToMesh, long meshToRoom, long refused, long dropped, long duplicates, long reconnects,
                            long queueToMesh, long queueToRoom, String lastError) {}
