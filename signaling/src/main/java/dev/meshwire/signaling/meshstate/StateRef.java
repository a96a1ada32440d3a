package dev.meshwire.signaling.meshstate;

/**
 * A point in a mesh's state history: the version of the newest event applied and that event's
 * hash. Version 0 with {@link MeshEvent#ZERO_HASH} is "nothing yet".
 */
public record StateRef(long version, String head) {
    public static final StateRef EMPTY = new StateRef(0, MeshEvent.ZERO_HASH);
}
