package dev.meshwire.peer.ipc.api;

/**
 * {@code POST /v1/mesh/forget}: forget a joined mesh on this machine only (the coordinator is not told).
 *
 * @param mesh  the mesh's name (required)
 * @param force also when sends to the mesh are still pending (they are aborted); absent = false
 */
public record ForgetMeshRequest(String mesh, Boolean force) {
    /** {@code force} as given, absent = false. */
    public boolean forced() {
        return Boolean.TRUE.equals(force);
    }
}
