package dev.meshwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * examples/livekit/docker-compose.yml cannot be run here (no Docker engine). What can be checked is: the file parses
 * as YAML with the services the docs describe, livekit-server runs in dev mode, and every meshwire command line in it
 * (the services' commands and the {@code meshwire ...} lines of their scripts) is accepted by the CLI's own parser,
 * the {@code sidecar} plug-in verb included (the same {@link Main#commandLine} the {@code meshwire} binary uses).
 */
class ComposeExampleTest {
    static final Path FILE = Path.of("..", "examples", "livekit", "docker-compose.yml");
    /** Compose interpolation with a default: the default is what a plain {@code docker compose up} uses. */
    static final Pattern DEFAULTED = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}");

    @Test
    void theComposeExampleParsesAndItsCommandLinesAreAcceptedByTheCli() throws Exception {
        // SnakeYAML (under jackson-dataformat-yaml) resolves the file's anchors and merge keys (<<: *image), as compose does.
        JsonNode compose = new ObjectMapper().valueToTree(new org.yaml.snakeyaml.Yaml().load(Files.readString(FILE)));
        JsonNode services = compose.path("services");
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("livekit", "coordinator", "bridge", "bob"), names);
        assertTrue(services.path("livekit").path("image").asText().startsWith("livekit/livekit-server"), services.path("livekit").toString());
        assertTrue(services.path("livekit").path("command").toString().contains("\"--dev\""), "dev keys (devkey/secret)");

        List<List<String>> lines = new ArrayList<>();
        for (String name : names) {
            JsonNode s = services.get(name);
            if (!"meshwire:local".equals(s.path("image").asText())) continue;
            JsonNode cmd = s.path("command");
            if (s.path("entrypoint").toString().equals("[\"sh\",\"-c\"]")) {
                for (String line : cmd.get(0).asText().split("\n")) {
                    List<String> argv = meshwireLine(line);
                    if (argv != null) lines.add(argv);
                }
            } else {
                List<String> argv = new ArrayList<>();
                cmd.forEach(a -> argv.add(interpolate(a.asText())));
                lines.add(argv);
            }
        }
        assertTrue(lines.size() >= 9, "command lines found: " + lines);
        assertTrue(lines.stream().anyMatch(a -> a.size() > 2 && a.get(0).equals("sidecar") && a.get(1).equals("livekit") && a.contains("--managed")),
                lines.toString());
        for (List<String> argv : lines) {
            String[] args = argv.toArray(String[]::new);
            CommandLine cl = Main.commandLine(new Main(), args);
            CommandLine.ParseResult parsed = cl.parseArgs(args);
            assertTrue(parsed.hasSubcommand(), "a verb in " + argv);
        }
    }

    static String interpolate(String s) {
        Matcher m = DEFAULTED.matcher(s);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
    }

    /** The arguments of a script line that runs {@code meshwire}, or null: {@code $$(...)} stands for a value. */
    static List<String> meshwireLine(String line) {
        Matcher m = Pattern.compile("^(?:exec |[A-Z_]+=\"[^\"]*\" )?meshwire (.*)$").matcher(interpolate(line.strip()));
        if (!m.matches()) return null;
        String l = m.group(1).replaceAll("\"\\$\\$\\([^)]*\\)\"", "VALUE");
        int redirect = l.indexOf(" >");
        if (redirect >= 0) l = l.substring(0, redirect);
        List<String> out = new ArrayList<>();
        Matcher t = Pattern.compile("\"([^\"]*)\"|'([^']*)'|(\\S+)").matcher(l);
        while (t.find()) out.add(t.group(1) != null ? t.group(1) : t.group(2) != null ? t.group(2) : t.group(3));
        return out;
    }
}
