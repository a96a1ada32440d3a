package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.ServiceItem;
import dev.meshwire.peer.ipc.api.ServiceRegisterRequest;
import dev.meshwire.peer.ipc.api.ServiceRevokeRequest;
import dev.meshwire.peer.ipc.api.ServiceSendRequest;
import dev.meshwire.peer.ipc.api.ServicesReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meshwire service register|list|revoke|inbox|send}: member-scoped identities for integrations (docs/protocol.md
 * §6.4); {@code inbox} and {@code send} act as a delegated service this daemon holds.
 */
@Command(name = "service", description = "Manage service identities (webhooks, LiveKit side-cars, bots) that act for you.",
        subcommands = {ServiceCommand.Register.class, ServiceCommand.ListServices.class, ServiceCommand.Revoke.class,
                ServiceCommand.Inbox.class, ServiceCommand.Send.class})
final class ServiceCommand extends CommandGroup {

    @Command(name = "register", description = "Mint a service key and a signed attestation, and record it in the mesh state.")
    static final class Register extends ReplyVerb {
        @Parameters(paramLabel = "NAME", description = "the service's name in the mesh (a-z, 0-9, '.', '_', '-')") String name;
        @Option(names = "--type", required = true, paramLabel = "TYPE", description = "webhook, livekit, bot, ...") String type;
        @Option(names = "--scopes", required = true, paramLabel = "LIST",
                description = "comma-separated: dm:read, dm:write, topic:read, topic:write, rpc:invoke, rpc:serve, stream:write") String scopes;
        @Option(names = "--ttl", paramLabel = "DURATION", description = "lifetime of the attestation, at most 90d; 30d when omitted") String ttl;
        @Option(names = "--delegate", description = "this daemon holds the service's secret on its behalf (delegated service)") boolean delegate;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            Long ttlMs = ttl == null ? null : Render.parseDuration(ttl);
            return reply(daemonWithMeshes().registerService(new ServiceRegisterRequest(mesh.name, name, type, scopes, ttlMs, delegate ? true : null)), r -> {
                out().println("registered service " + r.service().name() + " (" + r.service().type() + ", " + String.join(", ", r.service().scopes())
                        + ") in " + r.mesh() + " until " + Render.time(r.service().expiresAt()));
                out().println("service key " + r.service().servicePubkey() + ", transport " + r.service().transport()
                        + (r.service().delegate() != null ? ", secret held by this daemon" : ""));
                if (r.service().connection() != null) {
                    out().println("this daemon acts as the service (connection: " + r.service().connection() + "); 'meshwire service inbox "
                            + r.service().name() + "' reads what it is sent");
                }
                out().println("key file (attestation + secret key, mode 0600): " + r.keyFile());
                out().println("give the integration that file; 'meshwire service revoke " + r.service().name() + "' cuts it off");
            });
        }
    }

    @Command(name = "list", description = "List the services of a mesh (from the verified mesh state).")
    static final class ListServices extends ReplyVerb {
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().services(mesh.name), r -> out().print(text(r)));
        }

        static String text(ServicesReply r) {
            StringBuilder sb = new StringBuilder("mesh ").append(r.mesh()).append(", state v").append(r.stateVersion()).append('\n');
            if (r.items().isEmpty()) sb.append("  no services\n");
            for (ServiceItem s : r.items()) {
                sb.append("  ").append(s.name()).append(' ').append(Render.shortKey(s.servicePubkey())).append(' ').append(s.status())
                        .append(" (").append(s.type()).append(", ").append(String.join(",", s.scopes())).append(") of ")
                        .append(Render.who(s.owner().name(), s.owner().pubkey())).append(", until ").append(Render.time(s.expiresAt()))
                        .append(s.connection() != null ? ", held here (" + s.connection() + ")" : "").append('\n');
            }
            return sb.toString();
        }
    }

    @Command(name = "revoke", description = "Revoke a service for good: closed, refused and gossiped like a revoked member.")
    static final class Revoke extends ReplyVerb {
        @Parameters(paramLabel = "NAME", description = "the service's name or its full key") String name;
        @Option(names = "--reason", paramLabel = "TEXT", description = "why (kept in the mesh log)") String reason;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().revokeService(new ServiceRevokeRequest(mesh.name, name, reason)),
                    r -> out().println("revoked service " + r.name() + (r.servicePubkey() != null ? " (" + Render.shortKey(r.servicePubkey()) + ")" : "")
                            + ": every daemon and the coordinator now refuse its key"));
        }
    }

    @Command(name = "inbox", description = "Show what was sent to a delegated service this daemon holds (marks it seen unless --peek).")
    static final class Inbox extends ReplyVerb {
        @Parameters(paramLabel = "NAME", description = "the delegated service's name") String name;
        @Option(names = "--limit", defaultValue = "50", description = "show at most this many messages, newest first") int limit;
        @Option(names = "--unread", description = "only messages not shown before") boolean unread;
        @Option(names = "--peek", description = "do not mark the shown messages as seen") boolean peek;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().serviceInbox(mesh.name, name, limit, unread, peek), r -> out().print(Render.inbox(r.items(), style())));
        }
    }

    @Command(name = "send", description = "Send a message as a delegated service this daemon holds (needs dm:write, or topic:write for '*').")
    static final class Send extends ReplyVerb {
        @Parameters(index = "0", paramLabel = "NAME", description = "the delegated service's name") String name;
        @Parameters(index = "1", paramLabel = "PEER", description = "a member's name or key prefix, <member>/<service>, or '*'") String to;
        @Parameters(index = "2", paramLabel = "TEXT", description = "the message") String text;
        @Option(names = "--priority", paramLabel = "P", description = "now, next (default) or low") String priority;
        @Option(names = "--id", paramLabel = "ID", description = "client message id (a retry with the same id is not delivered twice)") String id;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().serviceSend(name, new ServiceSendRequest(mesh.name, to, text, priority, id)), r -> {
                for (var c : r.items()) {
                    out().println("sent as service " + r.service() + " to " + Render.who(c.name(), c.pubkey()) + ": " + c.status()
                            + (c.messageId() != null ? " (" + c.messageId() + ")" : ""));
                }
            });
        }
    }
}
