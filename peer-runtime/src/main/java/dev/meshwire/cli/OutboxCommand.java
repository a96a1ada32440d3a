package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.OutboxQuery;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code meshwire outbox} and {@code outbox requeue}: sent messages by delivery state, and retrying dead ones. */
@Command(name = "outbox", description = "List sent messages by delivery state (newest first).",
        subcommands = {OutboxCommand.Requeue.class})
final class OutboxCommand extends ReplyVerb {
    @Option(names = "--failed", description = "only dead messages") boolean failed;
    @Option(names = "--pending", description = "only pending and in-flight messages") boolean pending;
    @Option(names = "--done", description = "only delivered-to-coordinator messages") boolean done;
    @Option(names = "--limit", defaultValue = "50", description = "show at most this many messages, newest first") int limit;
    @Mixin MeshOption mesh;

    @Override
    public Integer call() {
        List<String> states = new ArrayList<>();
        if (failed) states.add("dead");
        if (pending) {
            states.add("pending");
            states.add("inflight");
        }
        if (done) states.add("done");
        return reply(daemon().outbox(new OutboxQuery(states, mesh.name, limit)), r -> out().print(Render.outbox(r, style())));
    }

    @Command(name = "requeue", description = "Retire a dead or pending message and send its content again under a new id.")
    static final class Requeue extends ReplyVerb {
        @Parameters(paramLabel = "ID", description = "the client message id of a dead or pending message") String id;
        @Option(names = "--new-id", paramLabel = "CLIENT_ID", description = "the new client message id (default: random)") String newId;

        @Override
        public Integer call() {
            return reply(daemon().requeue(id, newId), r -> out().println("requeued " + id + " as "
                    + r.clientMessageId() + " (pending); " + id + " is now aborted"));
        }
    }
}
