package dev.meshwire.coordinator;

/** The coordinator could not start; the message is one line fit for a user. */
public class CoordinatorStartException extends Exception {
    public CoordinatorStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
