package dev.meshwire.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.Errors;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.api.ErrorReply;
import dev.meshwire.signaling.Json;
import java.io.PrintStream;

/**
 * How a failed verb reports: always one line {@code meshwire: ...} on stderr; with {@code --json} also the IPC
 * error shape {@code {"error":{"code":...,"message":...}}} on stdout, so that a script reading stdout always gets
 * JSON. The exit code is chosen by the caller ({@link ExitCodes}) and is the same either way.
 */
final class ErrorOutput {
    /** The code of a command-line mistake (unknown option, missing parameter): exit {@link ExitCodes#USAGE}. */
    static final String USAGE = "usage";

    private final PrintStream out;
    private final PrintStream err;
    private final boolean json;

    ErrorOutput(PrintStream out, PrintStream err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    void report(PeerException pe) {
        print(Errors.reply(pe), pe.getMessage());
    }

    void report(IpcException ie) {
        print(Errors.reply(ie), ie.getMessage());
    }

    void report(String code, String message) {
        print(ErrorReply.of(code, message), message);
    }

    private void print(ErrorReply reply, String line) {
        err.println("meshwire: " + line);
        if (!json) return;
        try {
            out.println(Json.MAPPER.writeValueAsString(reply));
        } catch (JsonProcessingException e) {
            out.println("{\"error\":{\"code\":\"internal\",\"message\":\"the error could not be written as JSON\"}}");
        }
        out.flush();
    }
}
