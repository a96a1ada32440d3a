package dev.meshwire.peer.ipc;

/**
 * What the IPC surface can ask of the daemon, one interface per capability so that each endpoint
 * group is implemented next to the code it drives (peer.mesh, peer.outbox, peer.inbox, peer.daemon).
 * Every method is blocking (it is called on a worker thread), returns a JSON-serializable value (or
 * an {@link IpcReply} for a non-200 status), and throws {@link dev.meshwire.peer.PeerException} for
 * refusals. Shapes are documented in docs/ipc.md.
 */
public record DaemonApi(ControlApi control, MembershipApi membership, ModerationApi moderation, MeshStateApi meshState,
                        OutboxApi outbox, InboxApi inbox, SessionApi sessions, GrantsApi grants, ServicesApi services,
                        RpcApi rpc, GroupsApi groups, FilesApi files, TopicsApi topics, SidecarsApi sidecars) {
}
