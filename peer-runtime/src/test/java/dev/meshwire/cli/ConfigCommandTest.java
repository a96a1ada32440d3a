package dev.meshwire.cli;

import static dev.meshwire.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code meshwire config list|get|set|unset} on a real home, without a daemon. */
class ConfigCommandTest {
    @TempDir
    Path tmp;

    @Test
    void setGetListUnset() throws Exception {
        String home = tmp.resolve("h").toString();
        CliResult set = run("--home", home, "config", "set", "p2p.mode", "OFF");
        assertEquals(ExitCodes.OK, set.code(), set.err());
        assertTrue(set.out().startsWith("p2p.mode = off (saved in "), set.out());
        JsonNode file = Json.MAPPER.readTree(Files.readString(Path.of(home, "config.json")));
        assertEquals("off", file.path("p2p.mode").asText());

        CliResult get = run("--home", home, "config", "get", "p2p.mode");
        assertEquals("off\n", get.out());
        JsonNode getJson = Json.MAPPER.readTree(run("--home", home, "config", "get", "p2p.mode", "--json").out());
        assertEquals("file", getJson.path("source").asText());
        assertEquals("MESHWIRE_P2P", getJson.path("env").asText());
        assertEquals("auto", getJson.path("defaultValue").asText());

        JsonNode list = Json.MAPPER.readTree(run("--home", home, "config", "list", "--json").out());
        assertEquals(dev.meshwire.peer.config.ConfigKey.values().length, list.path("items").size());
        assertEquals("p2p.mode", list.path("items").get(0).path("key").asText());
        assertEquals("file", list.path("items").get(0).path("source").asText());
        assertEquals("default", list.path("items").get(1).path("source").asText());

        CliResult text = run("--home", home, "config", "list");
        String[] lines = text.out().split("\n");
        assertTrue(lines[0].startsWith("KEY ") && lines[0].contains("VALUE") && lines[0].contains("SOURCE"), lines[0]);
        int valueColumn = lines[0].indexOf("VALUE");
        assertTrue(lines[1].startsWith("p2p.mode") && lines[1].indexOf("off") == valueColumn, text.out());

        CliResult unset = run("--home", home, "config", "unset", "p2p.mode");
        assertEquals(ExitCodes.OK, unset.code(), unset.err());
        assertEquals("auto\n", run("--home", home, "config", "get", "p2p.mode").out());
    }

    @Test
    void unknownKeysAndBadValuesAreOneLineUsageErrors() {
        String home = tmp.resolve("h").toString();
        CliResult typo = run("--home", home, "config", "set", "p2p.mod", "off");
        assertEquals(ExitCodes.USAGE, typo.code());
        CliErrorsTest.assertOneLine(typo);
        assertTrue(typo.err().contains("did you mean p2p.mode?"), typo.err());

        CliResult value = run("--home", home, "config", "set", "log.keep", "500");
        assertEquals(ExitCodes.USAGE, value.code());
        CliErrorsTest.assertOneLine(value);
        assertEquals("meshwire: log.keep must be an integer between 1 and 20 (got '500')", value.err().strip());

        CliResult together = run("--home", home, "config", "set", "events.high-water", "8MiB");
        assertEquals(ExitCodes.USAGE, together.code());
        assertTrue(together.err().contains("must not exceed events.max-queued"), together.err());
        assertTrue(!Files.exists(Path.of(home, "config.json")), "nothing written after a refused set");

        CliResult get = run("--home", home, "config", "get", "nope");
        assertEquals(ExitCodes.USAGE, get.code());
        assertTrue(get.err().contains("the keys are: p2p.mode"), get.err());
    }
}
