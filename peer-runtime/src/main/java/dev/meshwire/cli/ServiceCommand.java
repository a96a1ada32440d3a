package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.ServiceItem;
import dev.meshwire.peer.ipc.api.ServiceRegisterRequest;
import dev.meshwire.peer.ipc.api.ServiceRevokeRequest;
import dev.meshwire.peer.ipc.api.ServicesReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code meshwire service register|list|revoke}: member-scoped identities for integrations (docs/protocol.md §6.4). */
@Command(name = "service", description = "Manage service identities (webhooks, LiveKit side-cars, bots) that act for you.",
        subcommands = {ServiceCommand.Register.class, ServiceCommand.ListServices.class, ServiceCommand.Revoke.class})
final class ServiceCommand extends CommandGroup {

    @Command(name = "register", description = "Mint a service key and a signed attestation, and record it in the mesh state.")
    static final class Register extends ReplyVerb {
        @Parameters(paramLabel = "NAME", description = "the service's name in the mesh (a-z, 0-9, '.', '_', '-')") String name;
        @Option(names = "--type", required = true, paramLabel = "TYPE", description = "webhook, livekit, bot, ...") String type;
        @Option(names = "--scopes", required = true, paramLabel = "LIST",
                description = "comma-separated: dm:read, dm:write, topic:read, topic:write, rpc:invoke, rpc:serve") String scopes;
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
                        .append(Render.who(s.owner().name(), s.owner().pubkey())).append(", until ").append(Render.time(s.expiresAt())).append('\n');
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
}
