package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.home.MeshwireHome;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code meshwire install-service} and {@code uninstall-service}: write (or remove) a hardened systemd unit for the
 * daemon of this home, or with {@code --coordinator} for a coordinator. Neither starts, stops nor enables anything;
 * they print the {@code systemctl} line to run.
 */
final class InstallServiceCommand {
    private InstallServiceCommand() {}

    /** {@code --user} (default) or {@code --system}, and where the unit goes. */
    static final class Scope {
        @ArgGroup(exclusive = true)
        Kind kind = new Kind();
        @Option(names = "--unit-dir", paramLabel = "DIR",
                description = "write the unit here instead of ~/.config/systemd/user (--user) or /etc/systemd/system (--system)")
        Path unitDir;

        static final class Kind {
            @Option(names = "--user", description = "a unit of your user's systemd (the default)") boolean user;
            @Option(names = "--system", description = "a system unit (needs root to install)") boolean system;
        }

        boolean system() {
            return kind.system;
        }

        Path dir() {
            if (unitDir != null) return unitDir.toAbsolutePath();
            return system() ? Path.of("/etc/systemd/system") : Path.of(System.getProperty("user.home"), ".config", "systemd", "user");
        }

        String systemctl() {
            return system() ? "systemctl" : "systemctl --user";
        }
    }

    @Command(name = "install-service", description = {"Write a hardened systemd unit for the daemon (or, with --coordinator, a coordinator). Starts nothing.",
            "With --coordinator, every argument install-service does not know is passed to 'meshwire coordinator'."},
            footer = {"", "Examples:", "  meshwire install-service --user", "  meshwire install-service --system --coordinator --listen 0.0.0.0:7600 --data /var/lib/meshwire-coordinator"})
    static final class Install extends Verb {
        @ArgGroup(exclusive = false, multiplicity = "0..1", heading = "")
        Scope scope = new Scope();
        @Option(names = "--run-as", paramLabel = "USER", description = "--system only: the account the service runs as (default: the current user)")
        String runAs;
        @Option(names = "--coordinator", description = "a unit for 'meshwire coordinator ARGS...' instead of the daemon") boolean coordinator;
        /** The coordinator's flags: everything install-service itself does not know, in order. */
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (scope == null) scope = new Scope();
            if (!coordinator && !args.isEmpty()) {
                throw new PeerException(PeerException.BAD_REQUEST, "unexpected arguments " + args + " (coordinator flags need --coordinator)");
            }
            if (runAs != null && !scope.system()) throw new PeerException(PeerException.BAD_REQUEST, "--run-as needs --system");
            List<String> cmd = new ArrayList<>(launcher());
            ServiceUnit unit;
            if (coordinator) {
                List<String> a = new ArrayList<>(args);
                Path data = dataDir(a);
                cmd.add("coordinator");
                cmd.addAll(a);
                unit = new ServiceUnit("meshwire coordinator (data " + data + ")", cmd, data, scope.system(), account(), true);
            } else {
                MeshwireHome home = home();
                cmd.addAll(List.of("--home", home.root().toString(), "up", "--foreground"));
                unit = new ServiceUnit("meshwire peer daemon (home " + home.root() + ")", cmd, home.root(), scope.system(), account(), false);
            }
            Path file = scope.dir().resolve(unitName(coordinator));
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, unit.text());
            } catch (IOException e) {
                throw new PeerException(PeerException.BAD_REQUEST, "cannot write " + file + ": " + e.getMessage()
                        + (scope.system() ? " (a system unit needs root)" : ""));
            }
            out().println("wrote " + file);
            out().println("start it with: " + scope.systemctl() + " daemon-reload && " + scope.systemctl() + " enable --now " + file.getFileName());
            if (!coordinator) out().println("its log goes to the journal: journalctl " + (scope.system() ? "" : "--user ") + "-u " + file.getFileName());
            return ExitCodes.OK;
        }

        private String account() {
            if (!scope.system()) return null;
            return runAs != null ? runAs : System.getProperty("user.name");
        }
    }

    @Command(name = "uninstall-service", description = "Remove the unit install-service wrote (stop and disable it first with systemctl).")
    static final class Uninstall extends Verb {
        @ArgGroup(exclusive = false, multiplicity = "0..1", heading = "")
        Scope scope = new Scope();
        @Option(names = "--coordinator", description = "remove the coordinator's unit instead of the daemon's") boolean coordinator;

        @Override
        public Integer call() throws Exception {
            if (scope == null) scope = new Scope();
            Path file = scope.dir().resolve(unitName(coordinator));
            if (!Files.exists(file)) {
                main().err.println("meshwire: no unit at " + file);
                return ExitCodes.NOT_FOUND;
            }
            if (!Files.readString(file).startsWith("# Written by 'meshwire install-service'")) {
                throw new PeerException(PeerException.BAD_REQUEST, file + " was not written by meshwire install-service; not removing it");
            }
            Files.delete(file);
            out().println("removed " + file + "; then: " + scope.systemctl() + " daemon-reload");
            return ExitCodes.OK;
        }
    }

    static String unitName(boolean coordinator) {
        return coordinator ? "meshwire-coordinator.service" : "meshwire.service";
    }

    /**
     * The pinned start of the command line: this JVM's real path, then {@code -jar} and the jar's real path when
     * meshwire runs from its jar, else {@code -cp} and this class path with the main class.
     */
    static List<String> launcher() {
        Path java = Path.of(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        try {
            java = java.toRealPath();
        } catch (IOException ignored) {
            // keep the absolute path we have
        }
        Path source;
        try {
            source = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            source = null;
        }
        if (source != null && source.toString().endsWith(".jar")) {
            return List.of(java.toString(), "-jar", source.toString());
        }
        List<String> cp = new ArrayList<>();
        for (String part : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!part.isBlank()) cp.add(Path.of(part).toAbsolutePath().toString());
        }
        return List.of(java.toString(), "-cp", String.join(File.pathSeparator, cp), "dev.meshwire.cli.Main");
    }

    /** The coordinator's data directory from {@code --data DIR} / {@code --data=DIR} (default ./meshwire-data), made absolute in {@code args}. */
    static Path dataDir(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--data") && i + 1 < args.size()) {
                Path p = Path.of(args.get(i + 1)).toAbsolutePath().normalize();
                args.set(i + 1, p.toString());
                return p;
            }
            if (a.startsWith("--data=")) {
                Path p = Path.of(a.substring("--data=".length())).toAbsolutePath().normalize();
                args.set(i, "--data=" + p);
                return p;
            }
        }
        Path p = Path.of("meshwire-data").toAbsolutePath().normalize();
        args.add("--data");
        args.add(p.toString());
        return p;
    }
}
