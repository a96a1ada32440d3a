package dev.meshwire.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged {@code meshwire} CLI as a real process, exactly as a user would, with its own
 * {@code MESHWIRE_HOME}. Used by the end-to-end tests, which run after {@code package}.
 */
final class Cli {
    static final Path JAR = Path.of("target", "meshwire.jar").toAbsolutePath();

    record Result(int exit, String out, String err) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        Result ok() {
            return exits(0);
        }

        /** Asserts the exit status, e.g. {@code status} exits 5 while a mesh link is kicked, banned or unreachable. */
        Result exits(int expected) {
            if (exit != expected) throw new AssertionError("exit " + exit + " (expected " + expected + ")\nstdout: " + out + "\nstderr: " + err);
            return this;
        }
    }

    private final Path home;
    private final Map<String, String> env;

    Cli(Path home, Map<String, String> env) {
        this.home = home;
        this.env = env;
    }

    Path home() {
        return home;
    }

    Result run(String... args) {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("mw-out", ".txt");
            Path err = Files.createTempFile("mw-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("MESHWIRE_HOME", home.toString());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("meshwire " + String.join(" ", args) + " did not finish in 90 s");
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new AssertionError("cannot run meshwire", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
