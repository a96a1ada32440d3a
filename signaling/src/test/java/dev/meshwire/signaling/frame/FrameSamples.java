package dev.meshwire.signaling.frame;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.meshstate.MemberEntry;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshSnapshot;
import dev.meshwire.signaling.meshstate.StateRef;
import java.util.List;

/** A sample frame of every type (the ill-typed corpus and the codec fuzz test start from them). */
public final class FrameSamples {
    private FrameSamples() {}

    static final dev.meshwire.signaling.meshstate.TopicSeal TOPIC_SEAL = new dev.meshwire.signaling.meshstate.TopicSeal(
            TestVectors.ALICE_PUB, TestVectors.BOX_NONCE_B64, java.util.Base64.getEncoder().encodeToString(new byte[48]));

    /** One frame of every type, with every optional field set. */
    public static List<Frame> all() {
        Envelope env = new Envelope(2, Channel.DM, TestVectors.BOB_PUB, TestVectors.ALICE_PUB,
                new Body(TestVectors.BOX_NONCE_B64, TestVectors.BOX_CIPHERTEXT_B64, 1),
                new Meta("c1", "fp", Priority.NEXT, 1L, "s", 2L, true, "r", false, "c0", List.of("bob"), 9L, 5L), "sig");
        Frames.Capabilities caps = new Frames.Capabilities(true, 1 << 20, List.of("relay"));
        dev.meshwire.signaling.session.SessionAttestation attestation = new dev.meshwire.signaling.session.SessionAttestation(
                TestVectors.ALICE_PUB, TestVectors.SESSION_PUB, TestVectors.SESSION_EXPIRES_AT, List.of("broadcast", "dm"),
                TestVectors.SESSION_ATTEST_CAPS_SIG);
        // Every optional field set: a session's PeerInfo (parent and attestation too).
        Frames.PeerInfo peer = Frames.PeerInfo.session(TestVectors.SESSION_PUB, "alice/build", "owner", 1000L, caps, attestation);
        ObjectNode data = Json.MAPPER.createObjectNode().put("name", "team");
        MeshEvent event = new MeshEvent(TestVectors.MESH, 1, MeshEvent.ZERO_HASH, "mesh_created", 5, "coordinator", data, "sig");
        MeshSnapshot snapshot = new MeshSnapshot(TestVectors.MESH, "team", 1, "h", TestVectors.AUTHORITY_PUB, 5,
                List.of(new MemberEntry(TestVectors.BOB_PUB, "bob", "member", "active", 1, 2, 3L, "r", "x")), event, List.of(event), "sig",
                List.of(new dev.meshwire.signaling.grants.GrantEntry(TestVectors.ALICE_PUB, TestVectors.BOB_PUB, "dm", 4L)),
                List.of(new dev.meshwire.signaling.service.ServiceEntry(new dev.meshwire.signaling.service.ServiceAttestation(TestVectors.MESH,
                        TestVectors.ALICE_PUB, "hook-1", TestVectors.BOB_PUB, "webhook", "dm:read", 99L, "http-webhook", TestVectors.AUTHORITY_PUB, "sig"), 5L)),
                List.of(new dev.meshwire.signaling.meshstate.GroupEntry("frontend", TestVectors.ALICE_PUB, 6L, List.of(new dev.meshwire.signaling.meshstate.GroupEntry.Member(TestVectors.BOB_PUB, "member")))),
                List.of(new dev.meshwire.signaling.meshstate.TopicEntry("general", TestVectors.ALICE_PUB, 7L, 2L, "cd".repeat(32),
                        List.of(new dev.meshwire.signaling.meshstate.TopicEntry.Member(TestVectors.ALICE_PUB, 7L, TOPIC_SEAL)), true)));
        StateRef ref = new StateRef(1, "h");
        String sid = "ab".repeat(16);
        return List.of(
                new Frames.Challenge("ab".repeat(32), 1, "0.1.0"),
                new Frames.Hello("1", TestVectors.MESH, TestVectors.ALICE_PUB, caps, "sig", ref, "meshwire-resume|v1|tok"),
                new Frames.Join("2", "mw1.xyz", TestVectors.ALICE_PUB, "alice", caps, "sig"),
                new Frames.SessionHello("2s", TestVectors.MESH, TestVectors.SESSION_PUB, TestVectors.ALICE_PUB, "build", attestation,
                        TestVectors.EVENT_T0, caps, TestVectors.SESSION_HELLO_SIG, ref,
                        // both attestations only for the decoding corpus (the coordinator refuses both at once: malformed)
                        new dev.meshwire.signaling.service.ServiceAttestation(TestVectors.MESH, TestVectors.ALICE_PUB, "hook-1",
                                TestVectors.SESSION_PUB, "webhook", "dm:read", 99L, "http-webhook", null, "sig"),
                        "meshwire-resume|v1|tok"),
                new Frames.HelloAck("1", TestVectors.MESH, "team", peer, List.of(peer),
                        List.of(new Frames.IceServer(List.of("stun:127.0.0.1:3478"), "u", "c")), 1 << 20, 30000, "a", ref, "meshwire-resume|v1|tok", 90000L),
                new Frames.Send("3", TestVectors.BOB_PUB, env),
                new Frames.Ack("3", "c1", "msg1", "accepted"),
                new Frames.Deliver("msg1", TestVectors.MESH, env),
                new Frames.ClientAck("msg1", "c1", TestVectors.ALICE_PUB),
                new Frames.ListPeers("4"),
                new Frames.Peers("4", TestVectors.MESH, List.of(peer)),
                new Frames.PeerJoined(TestVectors.MESH, peer),
                new Frames.PeerLeft(TestVectors.MESH, TestVectors.BOB_PUB, "bob", "left"),
                new Frames.Kick("5", "bob"),
                new Frames.Ban("6", "bob"),
                new Frames.Unban("7", "bob"),
                new Frames.ListBans("8"),
                new Frames.Bans("8", List.of(new Frames.BanInfo(TestVectors.BOB_PUB, "bob", 12L))),
                new Frames.Leave("9"),
                new Frames.Ok("5", "kick", "bob", "kicked"),
                new Frames.Error("5", ErrorCode.NOT_OWNER, "no"),
                new Frames.Ping("p"),
                new Frames.Pong("p"),
                new Frames.P2pOffer(TestVectors.MESH, TestVectors.ALICE_PUB, TestVectors.BOB_PUB, sid, "v=0\r\n", "sig"),
                new Frames.P2pAnswer(TestVectors.MESH, TestVectors.ALICE_PUB, TestVectors.BOB_PUB, sid, "v=0\r\n", "sig"),
                new Frames.P2pCandidate(TestVectors.MESH, TestVectors.ALICE_PUB, TestVectors.BOB_PUB, sid, "0", 0, "candidate:1 1 udp 1 10.0.0.1 5000 typ host"),
                new Frames.P2pClose(TestVectors.MESH, TestVectors.ALICE_PUB, TestVectors.BOB_PUB, sid, "idle"),
                new Frames.PeerPing(TestVectors.MESH, TestVectors.ALICE_PUB, TestVectors.BOB_PUB, sid),
                new Frames.PeerPong(TestVectors.MESH, TestVectors.BOB_PUB, TestVectors.ALICE_PUB, sid),
                new Frames.Receipt(TestVectors.MESH, "msg_" + "0".repeat(24), "cmid-1", TestVectors.BOB_PUB, 1_700_000_000_000L),
                new Frames.MeshSync("10", TestVectors.MESH, List.of(event), snapshot),
                new Frames.SystemEvent(TestVectors.MESH, event),
                new Frames.StateSync("11", ref),
                new Frames.Revoke("12", "bob", "lost laptop"),
                new Frames.SetRole("13", "bob", "admin"),
                new Frames.SetExpiry("14", "bob", 99L),
                new Frames.Rename("15", "alice2"),
                new Frames.SetGrant("16", TestVectors.BOB_PUB, "dm,rpc"),
                new Frames.ServiceRegister("17", new dev.meshwire.signaling.service.ServiceAttestation(TestVectors.MESH, TestVectors.ALICE_PUB,
                        "hook-1", TestVectors.BOB_PUB, "webhook", "dm:read", 99L, "http-webhook", TestVectors.AUTHORITY_PUB, "sig")),
                new Frames.ServiceRevoke("18", "hook-1", "leaked"),
                new Frames.SubpeersSet("25", 1_700_000_000_000L, List.of("lk:alice", "lk:bob"), "ab".repeat(64)),
                new Frames.Subpeers(TestVectors.MESH, TestVectors.BOB_PUB, 1_700_000_000_000L, List.of("lk:alice"), "ab".repeat(64), true),
                new Frames.GroupCreate("19", "frontend"),
                new Frames.GroupMember("20", "frontend", TestVectors.BOB_PUB, "lead"),
                new Frames.GroupDelete("21", "frontend"),
                new Frames.TopicCreate("19", "general", "cd".repeat(32), TOPIC_SEAL),
                new Frames.TopicJoin("20", "general"),
                new Frames.TopicLeave("21", "general", TestVectors.BOB_PUB),
                new Frames.TopicSealKey("22", "general", 1, TestVectors.BOB_PUB, TOPIC_SEAL),
                new Frames.TopicRotate("23", "general", 2, "cd".repeat(32),
                        List.of(new dev.meshwire.signaling.meshstate.TopicEntry.Member(TestVectors.ALICE_PUB, 7L, TOPIC_SEAL))),
                new Frames.TopicHistory("24", "general", 5L, 100),
                new Frames.TopicHistoryPage("24", "general", List.of(new Frames.TopicMessage(6, "msg_" + "0".repeat(24), 8L,
                        new Envelope(2, Channel.TOPIC, "#general", TestVectors.ALICE_PUB, new Body(TestVectors.BOX_NONCE_B64, "AAAAAQ==", 4),
                                new Meta("c2", null, null, null, null, null, null, null, null, null, null, null, null), "sig"))), true));
    }
}
