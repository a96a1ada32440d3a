package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meshwire nat-test}: the NAT traversal matrix is not in this jar. It lives in the source checkout
 * ({@code nat-test/}) because it runs this very jar inside network namespaces, so the checkout's {@code ./meshwire}
 * launcher dispatches the verb to {@code nat-test/run-matrix.sh}. Here the verb only says so (usage error, exit 2).
 * The options are declared so that {@code --help} documents them; they are not used.
 */
@Command(name = "nat-test", mixinStandardHelpOptions = true,
        description = {"Run the NAT traversal matrix (real daemons behind network-namespace NATs, a coordinator with its own TURN, or coturn).",
                "Only from a source checkout, as root: ./meshwire nat-test [OPTIONS] or nat-test/run-matrix.sh; see docs/nat-traversal.md."})
final class NatTestCommand extends Verb {
    @Option(names = "--matrix", paramLabel = "quick|full", description = "quick (4 cells, default) or full (every NAT pair, double NAT)")
    String matrix;
    @Option(names = "--turn", paramLabel = "meshwire|coturn|none",
            description = "meshwire (default): the coordinator's own STUN + TURN; coturn: STUN + coturn's TURN; none: STUN only")
    String turn;
    @Option(names = "--only", paramLabel = "CELL,...", split = ",", description = "run only these cells")
    List<String> only;
    @Option(names = "--messages", paramLabel = "N", description = "messages each way per cell")
    Integer messages;
    @Option(names = "--parallel", paramLabel = "N", description = "cells at a time")
    Integer parallel;
    @Option(names = "--path-wait", paramLabel = "SECONDS", description = "how long to wait for a channel to open")
    Integer pathWait;
    @Option(names = "--json", description = "print the JSON report on stdout")
    boolean json;
    @Option(names = "--list", description = "print the cells of the chosen matrix")
    boolean list;

    @Override
    public Integer call() {
        // the same command line for the launcher, without what only the jar knows (--home before the verb)
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        String rest = String.join(" ", args.subList(args.indexOf("nat-test"), args.size()));
        throw new PeerException(PeerException.BAD_REQUEST, "nat-test runs from a meshwire source checkout, not from the jar: "
                + "./meshwire " + rest + " (or nat-test/run-matrix.sh)");
    }
}
