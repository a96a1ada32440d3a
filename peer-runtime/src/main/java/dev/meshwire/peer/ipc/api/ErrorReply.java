package dev.meshwire.peer.ipc.api;

/** Every non-2xx answer: {@code {"error":{...}}}; also what the CLI prints under {@code --json} when a verb fails. */
public record ErrorReply(ErrorDetail error) {
    public static ErrorReply of(String code, String message) {
        return new ErrorReply(new ErrorDetail(code, message, null, null, null, null, null, null, null, null, null));
    }
}
