package dev.meshwire.cli.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of {@link Style}, {@link Table}, {@link HumanTime} and {@link PathLabel}, as pure functions. */
class TermTest {
    @Test
    void colourOnlyOnATerminalWithoutNoColorOrTheFlag() {
        assertTrue(Style.decide(false, true, Map.of("TERM", "xterm")).on());
        assertFalse(Style.decide(false, false, Map.of("TERM", "xterm")).on(), "piped");
        assertFalse(Style.decide(true, true, Map.of("TERM", "xterm")).on(), "--no-color");
        assertFalse(Style.decide(false, true, Map.of("TERM", "xterm", "NO_COLOR", "1")).on(), "NO_COLOR");
        assertTrue(Style.decide(false, true, Map.of("TERM", "xterm", "NO_COLOR", "")).on(), "an empty NO_COLOR does not count");
        assertFalse(Style.decide(false, true, Map.of("TERM", "dumb")).on(), "TERM=dumb");
        assertEquals("x", Style.PLAIN.green("x"));
        assertEquals("\u001b[32mx\u001b[0m", Style.decide(false, true, Map.of()).green("x"));
        assertEquals(1, Style.width("\u001b[32mx\u001b[0m"));
    }

    @Test
    void tableColumnsAreAsWideAsTheirWidestCellAndColourDoesNotCount() {
        Style on = Style.decide(false, true, Map.of());
        String t = new Table("  ", "NAME", "STATUS", "PATH")
                .row("alice", on.green("online"), "direct host")
                .row("bartholomew", "offline", null)
                .render(Style.PLAIN);
        assertEquals("""
                  NAME         STATUS   PATH
                  alice        \u001b[32monline\u001b[0m   direct host
                  bartholomew  offline  -
                """, t);
        String[] lines = new Table("", "A", "B").row("x").render(Style.PLAIN).split("\n");
        assertEquals("x", lines[1], "a missing last cell leaves no trailing spaces");
        assertTrue(new Table("", "NAME").render(on).startsWith("\u001b[1mNAME"), "headers are bold with colour");
    }

    @Test
    void humanTimes() {
        long now = 1_800_000_000_000L;
        assertEquals("just now", HumanTime.ago(now - 2_000, now, ZoneOffset.UTC));
        assertEquals("42 s ago", HumanTime.ago(now - 42_000, now, ZoneOffset.UTC));
        assertEquals("2 min ago", HumanTime.ago(now - 150_000, now, ZoneOffset.UTC));
        assertEquals("3 h ago", HumanTime.ago(now - 3 * 3_600_000L - 5, now, ZoneOffset.UTC));
        assertEquals("in 5 min", HumanTime.ago(now + 300_000, now, ZoneOffset.UTC));
        assertEquals("2027-01-10 08:00", HumanTime.ago(now - 5 * 86_400_000L, now, ZoneOffset.UTC));
        assertEquals("3h 12m", HumanTime.span((3 * 3600 + 12 * 60 + 9) * 1000L));
        assertEquals("2m 5s", HumanTime.span(125_000));
        assertEquals("45s", HumanTime.span(45_400));
        assertEquals("4d 3h", HumanTime.span((4 * 86_400 + 3 * 3600 + 59) * 1000L));
        assertEquals("0s", HumanTime.span(-5));
        assertEquals("2.3 s", HumanTime.seconds(2_340));
    }

    @Test
    void jsonTimesGetAnIsoCompanionNextToThemAtAnyDepth() throws Exception {
        var in = dev.meshwire.signaling.Json.MAPPER.readTree(
                "{\"receivedAt\":1796331463667,\"x\":1,\"items\":[{\"doneAt\":0,\"bannedAt\":5,\"bannedAtIso\":\"kept\"}],\"lastAt\":null}");
        String out = dev.meshwire.signaling.Json.MAPPER.writeValueAsString(IsoTimes.add(in));
        assertEquals("{\"receivedAt\":1796331463667,\"receivedAtIso\":\"2026-12-03T20:57:43.667Z\",\"x\":1,"
                + "\"items\":[{\"doneAt\":0,\"doneAtIso\":\"1970-01-01T00:00:00Z\",\"bannedAt\":5,\"bannedAtIso\":\"kept\"}],"
                + "\"lastAt\":null}", out);
    }

    @Test
    void pathsAreTheDaemonsWordsColouredByKind() {
        Style on = Style.decide(false, true, Map.of());
        assertEquals("-", PathLabel.of(null));
        assertEquals("direct host", PathLabel.of("direct host"));
        assertEquals("\u001b[32mdirect srflx\u001b[0m", PathLabel.styled("direct srflx", on));
        assertEquals("\u001b[33mturn udp\u001b[0m", PathLabel.styled("turn udp", on));
        assertEquals("\u001b[36mcoordinator relay\u001b[0m", PathLabel.styled(PathLabel.RELAY, on));
    }
}
