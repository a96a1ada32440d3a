package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.peer.ipc.api.SendRequest;
import dev.meshwire.peer.ipc.api.TopicHistoryItem;
import dev.meshwire.peer.ipc.api.TopicHistoryReply;
import dev.meshwire.peer.ipc.api.TopicItem;
import dev.meshwire.peer.ipc.api.TopicReply;
import dev.meshwire.peer.ipc.api.TopicRequest;
import dev.meshwire.peer.ipc.api.TopicsReply;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meshwire topic create|join|leave|list|post|tail}: {@code #name} topics with a key per topic, sealed to each
 * member; the coordinator keeps their ciphertext for its history window and never sees a key (docs/protocol.md §12.2,
 * docs/channels.md "topic").
 */
@Command(name = "topic", description = "Encrypted #topics: create, join, leave, list, post and read their history.",
        subcommands = {TopicCommand.Create.class, TopicCommand.Join.class, TopicCommand.Leave.class, TopicCommand.ListTopics.class,
                TopicCommand.Post.class, TopicCommand.Tail.class})
final class TopicCommand extends CommandGroup {

    static String done(TopicReply r) {
        return r.topic() + " in " + r.mesh() + ": " + r.detail() + "\n";
    }

    @Command(name = "create", description = "Create a topic; this daemon generates its key (the coordinator never sees it).")
    static final class Create extends ReplyVerb {
        @Parameters(paramLabel = "TOPIC", description = "#name or name: 1-32 of a-z, 0-9, '_', '-'") String topic;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().topicCreate(new TopicRequest(mesh.name, topic, null)), r -> out().print(done(r)));
        }
    }

    @Command(name = "join", description = "Join a topic; a member holding its key seals it for you.")
    static final class Join extends ReplyVerb {
        @Parameters(paramLabel = "TOPIC", description = "#name or name") String topic;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().topicJoin(new TopicRequest(mesh.name, topic, null)), r -> out().print(done(r)));
        }
    }

    @Command(name = "leave", description = "Leave a topic (or, as owner or admin, remove a member); the key is then rotated.")
    static final class Leave extends ReplyVerb {
        @Parameters(paramLabel = "TOPIC", description = "#name or name") String topic;
        @Option(names = "--member", paramLabel = "PEER", description = "remove this member instead of yourself (mesh owner or admin)") String member;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().topicLeave(new TopicRequest(mesh.name, topic, member)), r -> out().print(done(r)));
        }
    }

    @Command(name = "list", description = "List the topics of a mesh (from the verified mesh state).")
    static final class ListTopics extends ReplyVerb {
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().topics(mesh.name), r -> out().print(text(r)));
        }

        static String text(TopicsReply r) {
            StringBuilder sb = new StringBuilder("mesh ").append(r.mesh()).append(", state v").append(r.stateVersion()).append('\n');
            if (r.topics().isEmpty()) sb.append("  no topics (meshwire topic create #name)\n");
            for (TopicItem t : r.topics()) {
                sb.append("  ").append(t.topic()).append("  ").append(t.members().size()).append(t.members().size() == 1 ? " member" : " members")
                        .append(", key epoch ").append(t.epoch());
                if (t.member()) sb.append(t.hasKey() ? ", you hold the key" : ", you wait for the key");
                else sb.append(", not joined");
                if (t.rekeyNeeded()) sb.append(", re-key pending");
                if (!t.pending().isEmpty()) sb.append(", ").append(t.pending().size()).append(" waiting for a seal");
                sb.append('\n');
            }
            return sb.toString();
        }
    }

    @Command(name = "post", description = "Post to a topic (the same as: meshwire send #name TEXT).")
    static final class Post extends ReplyVerb {
        @Parameters(index = "0", paramLabel = "TOPIC", description = "#name or name") String topic;
        @Parameters(index = "1", paramLabel = "MESSAGE", description = "the text to post") String message;
        @Option(names = "--id", paramLabel = "CLIENT_ID", description = "idempotency id (default: random)") String id;
        @Option(names = "--reply-to", paramLabel = "MESSAGE_ID", description = "the message id this replies to") String replyTo;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            String to = topic.startsWith("#") ? topic : "#" + topic;
            return reply(daemonWithMeshes().send(new SendRequest(mesh.name, to, message, null, id, replyTo, null)),
                    r -> out().print(Render.sendReceipt(r)));
        }
    }

    @Command(name = "tail", description = "Show a topic's history kept by the coordinator, decrypted with your keys.")
    static final class Tail extends ReplyVerb {
        @Parameters(paramLabel = "TOPIC", description = "#name or name") String topic;
        @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "the last N posts (1..10000)") int limit;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 10_000) throw new PeerException(PeerException.BAD_REQUEST, "--limit must be 1..10000");
            var client = daemonWithMeshes();
            // Page through the window (the coordinator pages by 500) and keep the last N.
            List<TopicHistoryItem> all = new ArrayList<>();
            TopicHistoryReply page;
            Long after = null;
            String meshName = null;
            String address = null;
            do {
                page = client.topicHistory(mesh.name, topic, after, null);
                meshName = page.mesh();
                address = page.topic();
                all.addAll(page.messages());
                if (all.size() > limit) all = new ArrayList<>(all.subList(all.size() - limit, all.size()));
                if (!page.messages().isEmpty()) after = page.messages().get(page.messages().size() - 1).seq();
            } while (page.more() && !page.messages().isEmpty());
            TopicHistoryReply last = new TopicHistoryReply(meshName, address, all, false);
            return reply(last, r -> out().print(text(r)));
        }

        static String text(TopicHistoryReply r) {
            StringBuilder sb = new StringBuilder();
            if (r.messages().isEmpty()) sb.append(r.topic()).append(" in ").append(r.mesh()).append(": no posts in the history window\n");
            for (TopicHistoryItem m : r.messages()) {
                PeerRef f = m.from();
                sb.append(Render.time(m.at())).append("  ").append(r.topic()).append("  ")
                        .append(f == null ? "?" : Render.who(f.name(), f.pubkey())).append(": ")
                        .append(m.text() != null ? m.text() : "[" + m.error() + "]").append('\n');
            }
            return sb.toString();
        }
    }
}
