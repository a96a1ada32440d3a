package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.InboxQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code meshwire inbox}, {@code inbox flush}, {@code inbox delete}: received messages. */
@Command(name = "inbox", description = "Show received messages (marks what it shows as seen unless --peek); as a session, its own; "
        + "--system: the mesh's system events instead.",
        subcommands = {InboxCommand.Flush.class, InboxCommand.Delete.class})
final class InboxCommand extends ReplyVerb {
    @Mixin MeshOption mesh;
    @Option(names = "--limit", defaultValue = "50", description = "show at most this many messages, newest first") int limit;
    @Option(names = "--unread", description = "only messages not shown before") boolean unread;
    @Option(names = "--peek", description = "do not mark the shown messages as seen") boolean peek;
    @Option(names = "--system", description = "show the system events (joins, leaves, renames, revocations, ...) instead of messages")
    boolean system;
    @Mixin SessionOption session;

    @Override
    public Integer call() {
        String asSession = session.resolve(main());
        if (asSession != null) {
            if (system) throw new dev.meshwire.peer.PeerException(dev.meshwire.peer.PeerException.BAD_REQUEST,
                    "--system lists the member's system events; it is not available as a session");
            return reply(daemonWithMeshes().sessionInbox(asSession, limit, unread, peek), r -> out().print(Render.inbox(r.items(), style())));
        }
        return reply(daemonWithMeshes().inbox(new InboxQuery(mesh.name, limit, unread, peek, system ? "system" : null)),
                r -> out().print(system ? Render.systemInbox(r.items(), style()) : Render.inbox(r.items(), style())));
    }

    @Command(name = "flush", description = "Delete the messages already seen (all of them with --all).")
    static final class Flush extends ReplyVerb {
        @Mixin MeshOption mesh;
        @Option(names = "--all", description = "also delete unread messages") boolean all;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().inboxFlush(mesh.name, all),
                    r -> out().println("deleted " + r.deleted() + (all ? " message(s)" : " seen message(s)")));
        }
    }

    @Command(name = "delete", description = "Delete one inbox message by its id (the \"id\" of inbox --json).")
    static final class Delete extends ReplyVerb {
        @Parameters(paramLabel = "ID", description = "the message's \"id\" in 'inbox --json'") long id;

        @Override
        public Integer call() {
            return reply(daemon().inboxDelete(id), r -> out().println("deleted inbox message " + id));
        }
    }
}
