package dev.meshwire.coordinator.authority;

/** A REST refusal: HTTP status plus a stable machine code, rendered as {@code {"error":{"code","message"}}}. */
public final class ApiException extends RuntimeException {
    public static final String INVALID_REQUEST = "invalid_request";
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String BAD_SIGNATURE = "bad_signature";
    public static final String MESH_NAME_TAKEN = "mesh_name_taken";
    public static final String NOT_FOUND = "not_found";
    public static final String INTERNAL = "internal";

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
