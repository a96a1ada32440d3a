package dev.meshwire.signaling.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.envelope.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The "Read scopes" table of docs/protocol.md §6.4 (what an independent coordinator or daemon implements) says
 * exactly what {@link Scopes#readScopeFor} does: every channel is listed once, with the scope the code requires.
 */
class ReadScopesDocTest {
    private static final Pattern CODE = Pattern.compile("`([a-z*:]+)`");

    @Test
    void theProtocolTableIsTheMapping() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "protocol.md"));
        int at = doc.indexOf("**Read scopes.**");
        assertTrue(at >= 0, "docs/protocol.md has no **Read scopes.** paragraph");
        Map<Channel, String> documented = new EnumMap<>(Channel.class);
        boolean inTable = false;
        for (String line : doc.substring(at).split("\n")) {
            if (!line.startsWith("|")) {
                if (inTable) break;
                continue;
            }
            inTable = true;
            String[] cells = line.split("\\|");
            if (cells.length < 3 || cells[1].contains("---") || cells[1].contains("channel")) continue;
            Matcher scope = CODE.matcher(cells[2]);
            assertTrue(scope.find(), "no scope in row: " + line);
            // Only the leading backticked names are channels; "(a `*` broadcast travels as `group`)" is a note.
            String channels = cells[1].replaceAll("\\(.*\\)", "");
            Matcher ch = CODE.matcher(channels);
            while (ch.find()) {
                Channel c = Channel.fromWire(ch.group(1));
                assertEquals(null, documented.put(c, scope.group(1)), c + " is listed twice");
            }
        }
        for (Channel c : Channel.values()) {
            assertEquals(Scopes.readScopeFor(c), documented.get(c), "docs/protocol.md §6.4 Read scopes, channel " + c.wireName());
        }
    }
}
