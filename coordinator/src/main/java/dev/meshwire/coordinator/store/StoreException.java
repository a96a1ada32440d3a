package dev.meshwire.coordinator.store;

/** A storage failure. Subclasses mark outcomes callers handle specifically. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }

    /** A mesh with this name already exists on this coordinator. */
    public static final class DuplicateMeshName extends StoreException {
        public DuplicateMeshName(String name) {
            super("a mesh named '" + name + "' already exists on this coordinator");
        }
    }

    /** Another member of the mesh already uses this display name. */
    public static final class NameTaken extends StoreException {
        public NameTaken(String name) {
            super("name '" + name + "' is taken in this mesh");
        }
    }

    /** The mesh has no state (no head row): it does not exist, or predates mesh state and was not adopted yet. */
    public static final class NoMeshState extends StoreException {
        public NoMeshState(String meshId) {
            super("mesh " + meshId + " has no mesh state");
        }
    }
}
