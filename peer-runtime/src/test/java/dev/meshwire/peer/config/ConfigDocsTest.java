package dev.meshwire.peer.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/cli.md's key table lists every config key with its variable and default, so the doc cannot drift from the code. */
class ConfigDocsTest {
    @Test
    void everyKeyIsDocumentedWithItsVariableAndDefault() throws Exception {
        Path doc = Path.of("..", "docs", "cli.md");
        String text = Files.readString(doc);
        for (ConfigKey k : ConfigKey.values()) {
            String row = "| `" + k.key() + "` | `" + k.env() + "` | " + (k.defaultValue().isEmpty() ? "(none)" : "`" + k.defaultValue() + "`") + " | "
                    + k.description() + " |";
            assertTrue(text.contains(row), "docs/cli.md should have the row\n" + row);
        }
        assertTrue(text.contains("It gets only `PATH`, `HOME`, `USER`, `LOGNAME`, `LANG`, `LC_ALL`, `LC_CTYPE`, `TZ`, `TMPDIR`,\n`LD_LIBRARY_PATH`"),
                "the daemon's environment list matches DaemonEnvironment");
        assertTrue(DaemonEnvironment.BASE_TEXT.equals("PATH, HOME, USER, LOGNAME, LANG, LC_ALL, LC_CTYPE, TZ, TMPDIR, LD_LIBRARY_PATH"));
    }
}
