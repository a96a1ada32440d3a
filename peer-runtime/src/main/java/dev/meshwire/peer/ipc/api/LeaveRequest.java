package dev.meshwire.peer.ipc.api;

/**
 * {@code POST /v1/leave}: leave a mesh for good (the coordinator deletes the membership), then forget it here.
 *
 * @param mesh  the mesh (optional when only one is joined)
 * @param force also when sends to the mesh are still pending (they are aborted); absent = false
 */
public record LeaveRequest(String mesh, Boolean force) {
    /** {@code force} as given, absent = false. */
    public boolean forced() {
        return Boolean.TRUE.equals(force);
    }
}
