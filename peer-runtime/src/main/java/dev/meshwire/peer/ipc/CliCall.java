package dev.meshwire.peer.ipc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.meshwire.peer.ipc.api.CliReply;
import dev.meshwire.peer.ipc.api.CliRequest;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;

/**
 * The client side of {@code POST /v1/cli}, for the thin CLI client: one request, read with jackson-core's streaming
 * parser and written with its generator, so that a forwarded call loads neither jackson-databind nor the typed
 * {@link IpcClient} (binding them is most of a cold JVM's cost; docs/benchmarks.md "CLI start-up").
 *
 * <p>Contract: {@link #call} returns the reply, or null when the daemon did not run the command line (no answer on
 * the port, or a non-200 answer: an older daemon without the route, a refusal, a stale token) — the caller then runs
 * it locally. Once the request has been written, a failure to read the answer is {@link Lost}: the command may have
 * run, so it must not be run again.
 */
public final class CliCall {
    /** A forwarded command runs the verb's own IPC calls (each with its own timeouts); this bounds the whole. */
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final JsonFactory JSON = new JsonFactory();

    private CliCall() {}

    /** The daemon took the command line but its answer never came (it stopped, or the connection broke). */
    public static final class Lost extends Exception {
        public Lost(String message) {
            super(message);
        }
    }

    /** Sends {@code request} to the daemon on {@code port}; see the class comment for null and {@link Lost}. */
    public static CliReply call(int port, String token, CliRequest request) throws Lost {
        String body = write(request);
        IpcHttp http = new IpcHttp("127.0.0.1", port, CONNECT_TIMEOUT);
        IpcHttp.Response r;
        try {
            r = http.open("POST", "/v1/cli", new String[] {"Authorization", "Bearer " + token, "Content-Type", "application/json"},
                    body, READ_TIMEOUT);
        } catch (java.net.ConnectException | java.net.NoRouteToHostException e) {
            return null; // nothing was sent: no daemon on the port (a stale port file)
        } catch (IOException e) {
            // A timeout may be the connect's or the answer's: one IOException type for both, so it counts as lost (never
            // run twice); on loopback a connect only times out when the daemon is wedged, which a local run would meet too.
            throw new Lost(e.getMessage());
        }
        try (r) {
            String text = r.bodyText();
            if (r.status() != 200) return null;
            return read(text);
        } catch (IOException e) {
            throw new Lost(e.getMessage());
        }
    }

    static String write(CliRequest q) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeArrayFieldStart("args");
            for (String a : q.args()) g.writeString(a);
            g.writeEndArray();
            g.writeObjectFieldStart("env");
            for (Map.Entry<String, String> e : q.env().entrySet()) g.writeStringField(e.getKey(), e.getValue());
            g.writeEndObject();
            g.writeStringField("cwd", q.cwd());
            g.writeBooleanField("stdoutIsTerminal", q.stdoutIsTerminal());
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: writing to a string", e);
        }
        return w.toString();
    }

    /** The reply object; unknown fields are skipped (a newer daemon may add some). */
    static CliReply read(String text) throws IOException {
        Integer exit = null;
        String out = null;
        String err = null;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("the /v1/cli answer is not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.getCurrentName();
                JsonToken t = p.nextToken();
                switch (f) {
                    case "exit" -> exit = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : null;
                    case "stdout" -> out = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "stderr" -> err = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    default -> p.skipChildren();
                }
            }
        }
        if (exit == null || out == null || err == null) throw new IOException("the /v1/cli answer lacks exit, stdout or stderr");
        return new CliReply(exit, out, err);
    }
}
