package dev.meshwire.cli;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.InboxQuery;
import dev.meshwire.peer.ipc.api.PeerItem;
import dev.meshwire.peer.ipc.api.SendRequest;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import dev.meshwire.cli.CliProcess.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a person at a terminal meets it: separate {@code meshwire} processes, on a pseudo-terminal ({@code script}
 * from util-linux) or with stdout piped, against real daemons and a real coordinator. Colour appears on a terminal and
 * never when piped, with {@code NO_COLOR} or with {@code --no-color}; tables have aligned headers; an offline peer says
 * when it was last seen; the path of a message is named; mistyped verbs get "did you mean"; the completion scripts
 * load in bash (and zsh, fish when installed) and complete verbs, sub-verbs and options.
 */
class TerminalTest {
    private static final long WAIT = 60_000;
    private static final String ESC = "\u001b[";

    @TempDir
    static Path tmp;
    static Coordinator coord;
    static Daemon alice, bob;
    static String bobKey;

    @BeforeAll
    static void setUp() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        IpcClient a = alice.client();
        IpcClient b = bob.client();
        a.createMesh(new CreateMeshRequest("team", coord.publicUrl(), "alice", coord.adminToken()));
        bobKey = b.join(a.invite(null, 1, 3_600_000L).invite(), "bob").mesh().pubkey();
        await("alice sees bob online", WAIT, () -> bobOnAlice() != null && bobOnAlice().online());
        a.send(new SendRequest("team", "bob", "hello bob"));
        await("bob has alice's message", WAIT, () -> !b.inbox(new InboxQuery("team", 10, false, true)).items().isEmpty());
        bob.close();
        await("alice sees bob offline", WAIT, () -> !bobOnAlice().online());
    }

    private static PeerItem bobOnAlice() {
        return alice.client().peers("team").items().stream().filter(p -> "bob".equals(p.name())).findFirst().orElse(null);
    }

    @AfterAll
    static void tearDown() {
        if (bob != null) bob.close();
        if (alice != null) alice.close();
        if (coord != null) coord.close();
    }

    @Test
    void colourOnATerminalOnlyAndNeverWithNoColorOrTheFlag() throws Exception {
        String home = home("alice");
        Run tty = pty(Map.of(), "--home", home, "peers");
        assertEquals(0, tty.code(), tty.out());
        assertTrue(tty.out().contains(ESC + "1mNAME"), "bold headers on a terminal: " + tty.out());
        assertTrue(tty.out().contains(ESC), tty.out());

        Run piped = piped("--home", home, "peers");
        assertEquals(0, piped.code(), piped.err());
        assertFalse(piped.out().contains("\u001b"), "no escape codes in a pipe: " + piped.out());

        Run noColor = pty(Map.of("NO_COLOR", "1"), "--home", home, "peers");
        assertEquals(0, noColor.code(), noColor.out());
        assertFalse(noColor.out().contains("\u001b"), "NO_COLOR: " + noColor.out());

        Run flag = pty(Map.of(), "peers", "--home", home, "--no-color");
        assertEquals(0, flag.code(), flag.out());
        assertFalse(flag.out().contains("\u001b"), "--no-color after the verb: " + flag.out());
        assertEquals(untimed(piped.out()), untimed(flag.out().replace("\r\n", "\n")), "the same text, without colour");

        Run help = pty(Map.of("NO_COLOR", "1"), "send", "--help");
        assertFalse(help.out().contains("\u001b"), "help follows NO_COLOR too: " + help.out());
    }

    @Test
    void peersIsATableWithHeadersAndAnOfflinePeerSaysWhenItWasLastSeen() throws Exception {
        Run r = piped("--home", home("alice"), "peers");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        String header = lines.get(0);
        assertTrue(header.matches("MESH +NAME +KEY +ROLE +STATUS +PATH"), header);
        String bobLine = lines.stream().filter(l -> l.startsWith("team  bob ")).findFirst().orElseThrow();
        // columns line up under their headers, sized to the content
        assertEquals(header.indexOf("KEY"), bobLine.indexOf(bobKey.substring(0, 12)), r.out());
        assertEquals(header.indexOf("STATUS"), bobLine.indexOf("offline"), r.out());
        assertTrue(bobLine.matches(".*offline, last seen (just now|\\d+ s ago|\\d+ min ago).*"), bobLine);
        assertEquals("team  ".length(), header.indexOf("NAME"));
        assertTrue(header.indexOf("KEY") - header.indexOf("NAME") == "alice".length() + 2, "NAME is as wide as 'alice': " + r.out());
    }

    @Test
    void theInboxNamesThePathAMessageTook() throws Exception {
        Run r = piped("--home", home("alice"), "status");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s)daemon: running, pid \\d+, up (\\d+[smhd] ?)+, ipc .*"), "human uptime: " + r.out());
        // bob's daemon is closed: read his inbox through a fresh daemon of his home
        Daemon again = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        try {
            Run inbox = piped("--home", home("bob"), "inbox", "--peek");
            assertEquals(0, inbox.code(), inbox.err());
            assertTrue(inbox.out().matches("(?s)\\[(just now|\\d+ s ago|\\d+ min ago)] team alice \\([0-9a-f]{12}\\) via coordinator relay: hello bob\n"),
                    inbox.out());
        } finally {
            again.close();
        }
    }

    @Test
    void mistypedVerbsAndOptionsGetSuggestionsInOneLine() throws Exception {
        Run verb = pty(Map.of(), "sned", "bob", "hi");
        assertEquals(ExitCodes.USAGE, verb.code(), verb.out());
        assertEquals("meshwire: unknown verb 'sned'; did you mean 'send'? (see 'meshwire --help')", verb.out().strip());
        Run option = piped("--home", home("alice"), "peers", "--jsn");
        assertEquals(ExitCodes.USAGE, option.code());
        assertEquals("meshwire: unknown option '--jsn'; did you mean '--json'? (see 'meshwire peers --help')", option.err().strip());
        Run sub = piped("mesh", "craete");
        assertTrue(sub.err().contains("did you mean 'create'?"), sub.err());
    }

    @Test
    void bashCompletionLoadsAndCompletesVerbsSubVerbsAndOptions() throws Exception {
        Path script = tmp.resolve("meshwire.bash");
        Run gen = piped("completion", "bash");
        assertEquals(0, gen.code(), gen.err());
        Files.writeString(script, gen.out());
        String probe = "source " + script + "\n"
                + "complete -p meshwire\n"
                + "c() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE};"
                + " COMPREPLY=(); _complete_meshwire 2>/dev/null; echo \"[$*] ${COMPREPLY[*]}\"; }\n"
                + "c meshwire pe\nc meshwire mesh cr\nc meshwire send --js\nc meshwire completion ''\n";
        Run bash = run(List.of("bash", "-c", probe), Map.of());
        assertEquals(0, bash.code(), bash.err());
        assertTrue(bash.out().contains("complete -o default -F _complete_meshwire meshwire"), bash.out());
        assertTrue(bash.out().contains("[meshwire pe] peers"), bash.out());
        assertTrue(bash.out().contains("[meshwire mesh cr] create"), bash.out());
        assertTrue(bash.out().contains("[meshwire send --js] --json"), bash.out());
        assertTrue(bash.out().contains("[meshwire completion ] bash zsh fish"), bash.out());
    }

    @Test
    void zshAndFishCompletionLoadWhereThoseShellsAreInstalled() throws Exception {
        boolean zsh = new File("/usr/bin/zsh").canExecute();
        boolean fish = new File("/usr/bin/fish").canExecute();
        Assumptions.assumeTrue(zsh || fish, "neither zsh nor fish is installed");
        if (zsh) {
            Path script = tmp.resolve("meshwire.zsh");
            Files.writeString(script, piped("completion", "zsh").out());
            Run r = run(List.of("zsh", "-c", "autoload -U +X compinit && compinit -u; source " + script + "; print -r -- ${_comps[meshwire]}"),
                    Map.of());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("_complete_meshwire"), "zsh registered the completion: " + r.out() + r.err());
        }
        if (fish) {
            Path script = tmp.resolve("meshwire.fish");
            Files.writeString(script, piped("completion", "fish").out());
            Run r = run(List.of("fish", "-c", "source " + script + "; complete -C 'meshwire pe'; complete -C 'meshwire mesh c';"
                    + " complete -C 'meshwire send --js'"), Map.of());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("peers\tList the members"), r.out());
            assertTrue(r.out().contains("create\t"), r.out());
            assertTrue(r.out().contains("--json\t"), r.out());
        }
    }

    /** The text without its relative times (two calls seconds apart say "18 s ago" and "25 s ago"). */
    private static String untimed(String s) {
        return s.strip().replaceAll("just now|\\d+ (s|min) ago", "T").replaceAll(" +", " ");
    }

    // ---- processes ----

    private static String home(String who) {
        return tmp.resolve(who).toString();
    }

    /** {@code meshwire args...} on a pseudo-terminal (stdin and stdout): its output and stderr arrive together in {@code out}. */
    private static Run pty(Map<String, String> env, String... args) throws Exception {
        return new CliProcess("dev.meshwire.cli.Main", tmp, WAIT).pty(env, args);
    }

    /** Another program (a shell) in the same environment, piped. */
    private static Run run(List<String> cmd, Map<String, String> env) throws Exception {
        return new CliProcess("dev.meshwire.cli.Main", tmp, WAIT).command(cmd, env);
    }

    /** {@code meshwire args...} with stdout and stderr piped. */
    private static Run piped(String... args) throws Exception {
        return new CliProcess("dev.meshwire.cli.Main", tmp, WAIT).piped(Map.of(), args);
    }
}
