package dev.meshwire.livekit.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One {@code @livekit/rtc-node} participant process (src/test/node/participant.mjs): its JSON events from stdout,
 * commands to stdin. Waits are condition waits with deadlines. Public so that the bridge tests can put LiveKit's own
 * SDK in the room with the side-car (check {@link NodeRuntime#available()} first).
 */
public final class NodeParticipant implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process process;
    private final List<JsonNode> events = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();

    public NodeParticipant(String name, String url, String token) throws IOException, InterruptedException {
        this.name = name;
        Path dir = NodeRuntime.dir();
        ProcessBuilder pb = new ProcessBuilder("node", "participant.mjs", url, token).directory(dir.toFile());
        pb.environment().put("RUST_LOG", "livekit=info,livekit_api=info");
        process = pb.start();
        Thread out = new Thread(() -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true), "node-out-" + name);
        Thread err = new Thread(() -> pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false), "node-err-" + name);
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    private void pump(BufferedReader r, boolean json) {
        try {
            for (String line; (line = r.readLine()) != null; ) {
                if (json) {
                    JsonNode n;
                    try {
                        n = JSON.readTree(line);
                    } catch (IOException e) {
                        synchronized (this) {
                            stderr.append("[stdout] ").append(line).append('\n');
                        }
                        continue;
                    }
                    synchronized (this) {
                        events.add(n);
                        notifyAll();
                    }
                } else {
                    synchronized (this) {
                        if (stderr.length() < 200_000) stderr.append(line).append('\n');
                    }
                }
            }
        } catch (IOException ignored) {
            // process ended
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /** Waits for the first event matching {@code match}; fails with everything seen so far when the deadline passes. */
    public synchronized JsonNode await(String what, Predicate<JsonNode> match, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            for (JsonNode e : events) if (match.test(e)) return e;
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new AssertionError(name + ": no " + what + " within " + within + "\nevents: " + events + "\nstderr:\n" + tail());
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
        }
    }

    /** Like {@link #await} but returns null when {@code within} passes. */
    public synchronized JsonNode poll(Predicate<JsonNode> match, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            for (JsonNode e : events) if (match.test(e)) return e;
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
        }
    }

    public synchronized JsonNode awaitEvent(String event, Duration within) throws InterruptedException {
        return await("'" + event + "' event", e -> event.equals(e.path("event").asText()), within);
    }

    /** Waits until this participant knows {@code identity} as a remote participant. */
    public void awaitKnows(String identity, Duration within) throws InterruptedException {
        await("knowledge of " + identity, e -> ("joined".equals(e.path("event").asText()) && identity.equals(e.path("identity").asText()))
                || ("connected".equals(e.path("event").asText()) && contains(e.path("others"), identity)), within);
    }

    /** Waits for a data event with {@code payload}. */
    public JsonNode awaitData(String payload, Duration within) throws InterruptedException {
        return await("data '" + payload + "'", e -> "data".equals(e.path("event").asText()) && payload.equals(e.path("payload").asText()), within);
    }

    /** Payloads received so far, in order. */
    public synchronized List<String> received() {
        List<String> r = new ArrayList<>();
        for (JsonNode e : events) if ("data".equals(e.path("event").asText())) r.add(e.path("payload").asText());
        return r;
    }

    /** Publishes {@code payload} and waits until the SDK reports it sent. */
    public void send(String id, String payload, boolean reliable, String topic, List<String> to, Duration within) throws IOException, InterruptedException {
        JsonNode done = publish(id, payload, reliable, topic, to, within);
        if (!"sent".equals(done.path("event").asText())) throw new AssertionError(name + ": send " + id + " failed: " + done);
    }

    /** Publishes {@code payload} and returns the SDK's verdict: a {@code sent} or {@code send-failed} event. */
    public JsonNode publish(String id, String payload, boolean reliable, String topic, List<String> to, Duration within) throws IOException, InterruptedException {
        ObjectNode c = JSON.createObjectNode().put("cmd", "send").put("id", id).put("payload", payload).put("reliable", reliable);
        if (topic != null) c.put("topic", topic);
        to.forEach(c.putArray("to")::add);
        command(c);
        return await("send result of " + id, e -> id.equals(e.path("id").asText()), within);
    }

    /** Registers text and byte stream handlers for {@code topic} and waits until they are in place. */
    public void listenStreams(String topic, Duration within) throws IOException, InterruptedException {
        command(JSON.createObjectNode().put("cmd", "listen").put("topic", topic));
        await("stream handlers for " + topic, e -> "listening".equals(e.path("event").asText()) && topic.equals(e.path("topic").asText()), within);
    }

    /** Sends {@code text} with the SDK's {@code sendText} (a data stream) and returns the SDK's verdict event. */
    public JsonNode sendText(String id, String text, String topic, List<String> to, Duration within) throws IOException, InterruptedException {
        ObjectNode c = JSON.createObjectNode().put("cmd", "sendText").put("id", id).put("text", text).put("topic", topic);
        to.forEach(c.putArray("to")::add);
        command(c);
        return await("sendText result of " + id, e -> id.equals(e.path("id").asText()), within);
    }

    /** Sends {@code bytes} with the SDK's {@code streamBytes} writer and returns the SDK's verdict event. */
    public JsonNode sendBytes(String id, byte[] bytes, String name, String topic, List<String> to, Duration within) throws IOException, InterruptedException {
        ObjectNode c = JSON.createObjectNode().put("cmd", "sendBytes").put("id", id)
                .put("b64", java.util.Base64.getEncoder().encodeToString(bytes)).put("name", name).put("topic", topic);
        to.forEach(c.putArray("to")::add);
        command(c);
        return await("sendBytes result of " + id, e -> id.equals(e.path("id").asText()), within);
    }

    /** Waits for a received stream ({@code text-stream}, {@code byte-stream} or {@code stream-failed}) with {@code streamId}. */
    public JsonNode awaitStream(String streamId, Duration within) throws InterruptedException {
        return await("stream " + streamId, e -> streamId.equals(e.path("streamId").asText())
                && e.path("event").asText().matches("text-stream|byte-stream|stream-failed"), within);
    }

    public void leave() throws IOException {
        command(JSON.createObjectNode().put("cmd", "leave"));
    }

    /** Waits for the process to exit and returns its exit code. */
    public int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError(name + ": still running after " + within + "\nstderr:\n" + tail());
        return process.exitValue();
    }

    private void command(ObjectNode c) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((c.toString() + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) if (value.equals(n.asText())) return true;
        return false;
    }

    private synchronized String tail() {
        return stderr.length() > 8000 ? stderr.substring(stderr.length() - 8000) : stderr.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                leave();
            } catch (IOException ignored) {
                // stdin already closed
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }
}
