package dev.meshwire.nattest.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Harness side of an {@link IpcAgent}: one request at a time over the agent's stdin/stdout. */
final class Agent {
    /** The IPC's own mapper: absent optional fields are omitted, as the daemon expects. */
    private static final ObjectMapper JSON = dev.meshwire.signaling.Json.MAPPER;
    private final PrintStream in;
    private final BufferedReader out;

    record Answer(int status, JsonNode body, String raw) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    Agent(Process p) throws IOException {
        this.in = new PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8);
        this.out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null || !first.startsWith("ready")) throw new IOException("IPC agent did not start (daemon IPC not ready?)");
    }

    synchronized Answer get(String path) throws IOException {
        return call("GET " + path);
    }

    synchronized Answer post(String path, Object body) throws IOException {
        return call("POST " + path + " " + JSON.writeValueAsString(body));
    }

    private Answer call(String line) throws IOException {
        in.println(line);
        String r = out.readLine();
        if (r == null) throw new IOException("IPC agent ended");
        int sp = r.indexOf(' ');
        int status = Integer.parseInt(r.substring(0, sp));
        String body = r.substring(sp + 1);
        JsonNode node = null;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            // not JSON (agent error text)
        }
        return new Answer(status, node, body);
    }
}
