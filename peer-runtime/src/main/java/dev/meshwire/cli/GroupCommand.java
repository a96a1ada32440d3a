package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.GroupCreateRequest;
import dev.meshwire.peer.ipc.api.GroupDeleteRequest;
import dev.meshwire.peer.ipc.api.GroupItem;
import dev.meshwire.peer.ipc.api.GroupMemberItem;
import dev.meshwire.peer.ipc.api.GroupMemberRequest;
import dev.meshwire.peer.ipc.api.GroupReply;
import dev.meshwire.peer.ipc.api.GroupsReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meshwire group create|add|remove|delete|list}: named groups ({@code @name}, docs/protocol.md §12.1), recorded
 * in the mesh state. {@code meshwire send @name TEXT} sends to every member of a group.
 */
@Command(name = "group", description = "Manage named groups (@name) of the mesh; 'meshwire send @name TEXT' sends to one.",
        subcommands = {GroupCommand.Create.class, GroupCommand.Add.class, GroupCommand.Remove.class, GroupCommand.Delete.class,
                GroupCommand.ListGroups.class})
final class GroupCommand extends CommandGroup {

    static String done(GroupReply r) {
        boolean unchanged = r.detail() != null && r.detail().startsWith("unchanged");
        String what = r.member() == null ? r.detail()
                : (unchanged ? "unchanged: " : "") + Render.who(r.member().name(), r.member().pubkey())
                        + (r.role() == null ? (unchanged ? " is not in " : " removed from ") + r.group() : " is in " + r.group() + " as " + r.role());
        return what + " (mesh " + r.mesh() + ")\n" + (unchanged ? "" : "(recorded in the mesh state: every daemon and the coordinator know it)\n");
    }

    @Command(name = "create", description = "Create an empty group; you can then add, remove and delete it (as can the mesh owner and admins).")
    static final class Create extends ReplyVerb {
        @Parameters(paramLabel = "NAME", description = "a-z, 0-9, '_' and '-', at most 32 (with or without the @); 'all' is reserved") String name;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().createGroup(new GroupCreateRequest(mesh.name, name)), r -> {
                out().print(done(r));
                out().println("add members with 'meshwire group add " + r.group().substring(1) + " MEMBER'; send with 'meshwire send "
                        + r.group() + " TEXT'");
            });
        }
    }

    @Command(name = "add", description = "Put a member in a group (or change its role there).")
    static final class Add extends ReplyVerb {
        @Parameters(index = "0", paramLabel = "NAME", description = "the group") String group;
        @Parameters(index = "1", paramLabel = "MEMBER", description = "name, pubkey prefix (>= 8) or pubkey; you may add yourself") String member;
        @Option(names = "--role", paramLabel = "ROLE", description = "the member's role in the group (a-z, 0-9, '_', '-'); default: member") String role;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().groupMember(new GroupMemberRequest(mesh.name, group, member, role, null)), r -> out().print(done(r)));
        }
    }

    @Command(name = "remove", description = "Take a member out of a group (any member may remove itself).")
    static final class Remove extends ReplyVerb {
        @Parameters(index = "0", paramLabel = "NAME", description = "the group") String group;
        @Parameters(index = "1", paramLabel = "MEMBER", description = "name, pubkey prefix (>= 8) or pubkey") String member;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().groupMember(new GroupMemberRequest(mesh.name, group, member, null, true)), r -> out().print(done(r)));
        }
    }

    @Command(name = "delete", description = "Delete a group (its creator, the mesh owner or an admin).")
    static final class Delete extends ReplyVerb {
        @Parameters(paramLabel = "NAME", description = "the group") String name;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().deleteGroup(new GroupDeleteRequest(mesh.name, name)), r -> out().print(done(r)));
        }
    }

    @Command(name = "list", description = "List the groups of a mesh, their members and roles (from the verified mesh state).")
    static final class ListGroups extends ReplyVerb {
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().groups(mesh.name), r -> out().print(text(r)));
        }

        static String text(GroupsReply r) {
            StringBuilder sb = new StringBuilder("mesh ").append(r.mesh()).append(", state v").append(r.stateVersion()).append('\n');
            if (r.groups().isEmpty()) sb.append("no groups (create one with 'meshwire group create NAME'); @all is every member\n");
            for (GroupItem g : r.groups()) {
                sb.append(g.group()).append(" (").append(g.members().size()).append(g.members().size() == 1 ? " member" : " members")
                        .append(", created by ").append(Render.who(g.createdBy().name(), g.createdBy().pubkey())).append(")\n");
                for (GroupMemberItem m : g.members()) {
                    sb.append("  ").append(Render.who(m.name(), m.pubkey())).append("  ").append(m.role())
                            .append(m.active() ? "" : "  (membership expired)").append('\n');
                }
            }
            return sb.toString();
        }
    }
}
