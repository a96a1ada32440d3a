package dev.meshwire.cli;

import dev.meshwire.peer.config.ConfigFile;
import dev.meshwire.peer.config.ConfigKey;
import dev.meshwire.peer.config.DaemonConfig;
import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.signaling.Json;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meshwire config list|get|set|unset}: the daemon's settings in {@code $MESHWIRE_HOME/config.json}, shown with
 * the value that applies and where it comes from (environment &gt; config file &gt; default; {@code up --set} is
 * stronger still but lives only for one start). Works without a daemon; a running daemon reads the file when it
 * starts, so {@code set} says when a restart is needed.
 */
@Command(name = "config", description = "Show and change the daemon's settings ($MESHWIRE_HOME/config.json).",
        subcommands = {ConfigCommand.ListVerb.class, ConfigCommand.Get.class, ConfigCommand.Set.class, ConfigCommand.Unset.class})
final class ConfigCommand extends CommandGroup {

    /** One setting as {@code config list --json} and {@code config get --json} show it. */
    record Entry(String key, String value, String source, String env, String defaultValue, String description) {
        static Entry of(DaemonConfig.Value v) {
            ConfigKey k = v.key();
            return new Entry(k.key(), v.value(), v.source().wireName(), k.env(), k.defaultValue(), k.description());
        }
    }

    /** {@code config list --json}. */
    record Listing(List<Entry> items, String file) {}

    @Command(name = "list", description = "Every setting: its value, where the value comes from (env, file, default) and what it does.")
    static final class ListVerb extends Verb {
        @Option(names = "--json", description = "print {\"items\":[{key, value, source, env, defaultValue, description}], \"file\"}") boolean json;

        @Override
        public Integer call() throws Exception {
            MeshwireHome home = home();
            DaemonConfig c = DaemonConfig.load(home);
            List<Entry> items = c.all().stream().map(Entry::of).toList();
            if (json) {
                printJson(Json.MAPPER.valueToTree(new Listing(items, ConfigFile.pathOf(home).toString())));
                return ExitCodes.OK;
            }
            int kw = "KEY".length();
            int vw = "VALUE".length();
            for (Entry e : items) {
                kw = Math.max(kw, e.key().length());
                vw = Math.max(vw, shown(e.value()).length());
            }
            String row = "%-" + kw + "s  %-" + vw + "s  %-7s  %s%n";
            out().printf(row, "KEY", "VALUE", "SOURCE", "DESCRIPTION");
            for (Entry e : items) {
                out().printf(row, e.key(), shown(e.value()), e.source(), e.description()
                        + ("env".equals(e.source()) ? " [from " + e.env() + "]" : ""));
            }
            out().println("file: " + ConfigFile.pathOf(home) + " (environment variables: meshwire config list --json)");
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", description = "Print the value of one setting that applies now.")
    static final class Get extends Verb {
        @Parameters(paramLabel = "KEY", description = "a key from 'meshwire config list', e.g. p2p.mode") String key;
        @Option(names = "--json", description = "print {key, value, source, env, defaultValue, description}") boolean json;

        @Override
        public Integer call() throws Exception {
            ConfigKey k = DaemonConfig.key(key);
            DaemonConfig.Value v = DaemonConfig.load(home()).get(k);
            if (json) printJson(Json.MAPPER.valueToTree(Entry.of(v)));
            else out().println(v.value());
            return ExitCodes.OK;
        }
    }

    @Command(name = "set", description = "Check a value and save it in config.json (takes effect when the daemon next starts).",
            footer = {"", "Example:", "  meshwire config set p2p.mode off"})
    static final class Set extends Verb {
        @Parameters(index = "0", paramLabel = "KEY", description = "a key from 'meshwire config list', e.g. p2p.mode") String key;
        @Parameters(index = "1", paramLabel = "VALUE", description = "the new value, e.g. off") String value;

        @Override
        public Integer call() throws Exception {
            MeshwireHome home = home();
            ConfigKey k = DaemonConfig.key(key);
            String v = DaemonConfig.check(k, value, k.key());
            ConfigFile f = ConfigFile.read(home).with(k, v);
            // the new file must still resolve (e.g. events.high-water <= events.max-queued) before it is written
            DaemonConfig.resolve(Map.of(), Map.of(), f);
            home.ensureLayout();
            f.write();
            out().println(k.key() + " = " + shown(v) + " (saved in " + f.path() + ")");
            notes(home, k, main().err);
            return ExitCodes.OK;
        }
    }

    @Command(name = "unset", description = "Remove a setting from config.json (back to the environment or the default).")
    static final class Unset extends Verb {
        @Parameters(paramLabel = "KEY", description = "a key from 'meshwire config list'") String key;

        @Override
        public Integer call() throws Exception {
            MeshwireHome home = home();
            ConfigKey k = DaemonConfig.key(key);
            ConfigFile f = ConfigFile.read(home).with(k, null);
            DaemonConfig.resolve(Map.of(), Map.of(), f);
            if (java.nio.file.Files.exists(f.path())) f.write();
            out().println(k.key() + " removed from " + f.path() + "; now " + shown(DaemonConfig.load(home).get(k).value()));
            notes(home, k, main().err);
            return ExitCodes.OK;
        }
    }

    /** Tells the user when the saved value does not apply yet (running daemon) or is overridden (environment). */
    private static void notes(MeshwireHome home, ConfigKey k, java.io.PrintStream err) {
        String env = System.getenv(k.env());
        if (env != null && !env.isBlank()) {
            err.println("meshwire: note: " + k.env() + "=" + env + " in this environment overrides the file");
        }
        if (k != ConfigKey.START_TIMEOUT && DaemonLauncher.running(home) != null) {
            err.println("meshwire: note: the running daemon keeps its settings until it restarts (meshwire down; meshwire up)");
        }
    }

    private static String shown(String v) {
        return v.isEmpty() ? "(none)" : v;
    }
}
