package dev.meshwire.cli;

import dev.meshwire.cli.doctor.Doctor;
import dev.meshwire.cli.doctor.Finding;
import dev.meshwire.signaling.Json;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meshwire doctor}: checks what meshwire needs on this machine and prints each check as OK, WARN or FAIL with
 * a fix. Exits 1 when any check FAILs. Starts no daemon.
 */
@Command(name = "doctor", description = "Check Java, libpulse0, the daemon, each coordinator (reachability, clock skew), STUN/TURN and file modes.",
        footer = {"", "Exit status: 0 when nothing FAILs (WARNs allowed), 1 otherwise.", "", "Example:", "  meshwire doctor --coordinator-data /var/lib/meshwire-coordinator"})
final class DoctorCommand extends Verb {
    @Option(names = "--json", description = "print {\"items\":[{check, status, detail, fix}], \"ok\"}") boolean json;
    @Option(names = "--coordinator-data", paramLabel = "DIR", description = "also check the modes of a coordinator's secrets (admin-token, turn-secret) in DIR")
    Path coordinatorData;

    /** {@code doctor --json}. */
    record Report(List<Finding> items, boolean ok) {}

    @Override
    public Integer call() {
        List<Finding> items = new Doctor(home(), coordinatorData == null ? null : coordinatorData.toAbsolutePath()).run();
        boolean ok = items.stream().noneMatch(f -> f.status() == Finding.Status.FAIL);
        if (json) {
            printJson(Json.MAPPER.valueToTree(new Report(items, ok)));
        } else {
            int w = items.stream().mapToInt(f -> f.check().length()).max().orElse(5);
            for (Finding f : items) {
                out().printf("%-4s  %-" + w + "s  %s%n", f.status(), f.check(), f.detail());
                if (f.fix() != null) out().printf("%-4s  %-" + w + "s  fix: %s%n", "", "", f.fix());
            }
        }
        return ok ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
