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
}
