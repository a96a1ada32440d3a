package dev.meshwire.signaling.frame;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshSnapshot;
import dev.meshwire.signaling.meshstate.StateRef;
import java.util.List;

/**
 * Every frame of protocol version 1. Client → coordinator: hello, join, send, client_ack,
 * list_peers, kick, ban, unban, list_bans, leave, ping, pong. Coordinator → client: challenge,
 * hello_ack, ack, deliver, receipt, peers, peer_joined, peer_left, bans, ok, error, ping, pong. Both ways
 * (forwarded between members): p2p_offer, p2p_answer, p2p_candidate, p2p_close, peer_ping, peer_pong.
 *
 * <p>Fields are validated by the coordinator's handlers, not here, so that a bad frame can be
 * answered with a precise {@code error} instead of a generic parse failure.
 */
public final class Frames {
    private Frames() {}

    /** First frame on every connection: the random nonce the {@code hello}/{@code join} signature must cover. */
    public record Challenge(String nonce, int protocol, String coordinatorVersion) implements Frame {
        public String type() { return "challenge"; }
    }

    /**
     * Authenticate as an existing member. Signature over {@link Canonical#hello}. {@code state} is the
     * mesh-state version and head hash the client holds (absent: none); the coordinator answers with
     * a {@link MeshSync} that brings it up to date.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Hello(String id, String mesh, String pubkey, Capabilities capabilities, String signature, StateRef state,
                        String resumeToken) implements Frame {
        public Hello(String id, String mesh, String pubkey, Capabilities capabilities, String signature) {
            this(id, mesh, pubkey, capabilities, signature, null, null);
        }

        public Hello(String id, String mesh, String pubkey, Capabilities capabilities, String signature, StateRef state) {
            this(id, mesh, pubkey, capabilities, signature, state, null);
        }

        public String type() { return "hello"; }
    }

    /**
     * Authenticate as a <b>session</b> of a member (docs/protocol.md §5 "session_hello"): instead of {@link Hello},
     * the first frame of a connection that speaks for a per-session key. {@code pubkey} is the session key,
     * {@code parent} the member key that vouches for it in {@code attestation}; {@code signature} is the session
     * key's over {@link dev.meshwire.signaling.Canonical#sessionHello} (mesh, parent, session, {@code timestamp},
     * the challenge nonce). {@code name} (optional, a display name) labels the session: others see it as
     * {@code <member name>/<name>}. Answered by {@link HelloAck} (whose {@code self} is the session) and a {@link MeshSync}.
     * A <b>service</b> (docs/protocol.md §6.4) sends the same frame with {@code serviceAttestation} (its owner's
     * registered attestation) in place of {@code attestation}, {@code parent} = its owner: exactly one of the two.
     * {@code resumeToken} (optional) is the one of this key's last {@link HelloAck}: it continues the session's or
     * service's presence after a lost connection, as in {@link Hello} (docs/protocol.md §6 "Continuous presence").
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SessionHello(String id, String mesh, String pubkey, String parent, String name,
                               dev.meshwire.signaling.session.SessionAttestation attestation, long timestamp,
                               Capabilities capabilities, String signature, StateRef state,
                               dev.meshwire.signaling.service.ServiceAttestation serviceAttestation,
                               String resumeToken) implements Frame {
        /** A session's hello (no service attestation, no resume token). */
        public SessionHello(String id, String mesh, String pubkey, String parent, String name,
                            dev.meshwire.signaling.session.SessionAttestation attestation, long timestamp,
                            Capabilities capabilities, String signature, StateRef state) {
            this(id, mesh, pubkey, parent, name, attestation, timestamp, capabilities, signature, state, null, null);
        }

        /** A session's or service's hello without a resume token. */
        public SessionHello(String id, String mesh, String pubkey, String parent, String name,
                            dev.meshwire.signaling.session.SessionAttestation attestation, long timestamp,
                            Capabilities capabilities, String signature, StateRef state,
                            dev.meshwire.signaling.service.ServiceAttestation serviceAttestation) {
            this(id, mesh, pubkey, parent, name, attestation, timestamp, capabilities, signature, state, serviceAttestation, null);
        }

        public String type() { return "session_hello"; }
    }

    /** Become a member using a signed invite, then proceed as after hello. Signature over {@link Canonical#join}. */
    public record Join(String id, String invite, String pubkey, String name, Capabilities capabilities, String signature) implements Frame {
        public String type() { return "join"; }
    }

    /**
     * Authentication succeeded. {@code authority} is the mesh authority's public key and {@code state}
     * the coordinator's head of the mesh state; a {@link MeshSync} follows before any {@code deliver}.
     * {@code resumeToken} (opaque to clients) continues this presence after a drop when it is sent back in the next
     * {@code hello} within {@code leaseTtlMs} of the coordinator last hearing from this connection; both are absent
     * from coordinators without continuous presence.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HelloAck(String id, String mesh, String meshName, PeerInfo self, List<PeerInfo> peers,
                           List<IceServer> iceServers, long maxFrameBytes, long pingIntervalMs, String authority,
                           StateRef state, String resumeToken, Long leaseTtlMs) implements Frame {
        public HelloAck(String id, String mesh, String meshName, PeerInfo self, List<PeerInfo> peers,
                        List<IceServer> iceServers, long maxFrameBytes, long pingIntervalMs) {
            this(id, mesh, meshName, self, peers, iceServers, maxFrameBytes, pingIntervalMs, null, null, null, null);
        }

        public HelloAck(String id, String mesh, String meshName, PeerInfo self, List<PeerInfo> peers,
                        List<IceServer> iceServers, long maxFrameBytes, long pingIntervalMs, String authority, StateRef state) {
            this(id, mesh, meshName, self, peers, iceServers, maxFrameBytes, pingIntervalMs, authority, state, null, null);
        }

        public String type() { return "hello_ack"; }
    }

    /**
     * Relay an envelope to {@code to} (a member's full public key). For {@code dm} the envelope target
     * equals {@code to}; for {@code group} the sender seals one copy per recipient and sends one
     * frame each.
     */
    public record Send(String id, String to, Envelope envelope) implements Frame {
        public String type() { return "send"; }
    }

    /**
     * The coordinator accepted a {@code send}: the envelope is committed to its durable queue.
     * {@code status} is {@code accepted} (first acceptance) or {@code duplicate} (the same key and the
     * same envelope were accepted before; {@code messageId} is the original one). Older coordinators
     * answered {@code relayed}.
     */
    public record Ack(String id, String clientMessageId, String messageId, String status) implements Frame {
        public String type() { return "ack"; }
    }

    /** An envelope for the connected member. {@code messageId} is the coordinator's id for it. */
    public record Deliver(String messageId, String mesh, Envelope envelope) implements Frame {
        public String type() { return "deliver"; }
    }

    /** The recipient stored a delivered message. Sent for every delivery, duplicates included. */
    public record ClientAck(String messageId, String clientMessageId, String from) implements Frame {
        public String type() { return "client_ack"; }
    }

    public record ListPeers(String id) implements Frame {
        public String type() { return "list_peers"; }
    }

    public record Peers(String id, String mesh, List<PeerInfo> peers) implements Frame {
        public String type() { return "peers"; }
    }

    public record PeerJoined(String mesh, PeerInfo peer) implements Frame {
        public String type() { return "peer_joined"; }
    }

    public record PeerLeft(String mesh, String pubkey, String name, String reason) implements Frame {
        public String type() { return "peer_left"; }
    }

    /** Owner or admin. Ends the target's session with close code 4001; it may reconnect by hand (event member_kicked, audit only). */
    public record Kick(String id, String target) implements Frame {
        public String type() { return "kick"; }
    }

    /** Owner or admin. Ends the target's session with close code 4002, refuses its hellos until unbanned (event member_banned). */
    public record Ban(String id, String target) implements Frame {
        public String type() { return "ban"; }
    }

    public record Unban(String id, String target) implements Frame {
        public String type() { return "unban"; }
    }

    public record ListBans(String id) implements Frame {
        public String type() { return "list_bans"; }
    }

    public record Bans(String id, List<BanInfo> bans) implements Frame {
        public String type() { return "bans"; }
    }

    /** Leave the mesh for good: the membership is deleted and the session closes with 1000. */
    public record Leave(String id) implements Frame {
        public String type() { return "leave"; }
    }

    /** Generic success for kick/ban/unban/leave. {@code detail} is human-readable. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Ok(String id, String op, String target, String detail) implements Frame {
        public String type() { return "ok"; }
    }

    /** A refused request. {@code id} echoes the request when known; {@code code} is from {@link ErrorCode}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String id, String code, String message) implements Frame {
        public String type() { return "error"; }
    }

    public record Ping(String id) implements Frame {
        public String type() { return "ping"; }
    }

    public record Pong(String id) implements Frame {
        public String type() { return "pong"; }
    }

    /**
     * WebRTC signaling, forwarded by the coordinator between two online members of one mesh (see
     * docs/p2p.md). A client sends it with {@code mesh} and {@code from} absent; the coordinator fills
     * both from the authenticated connection (never from the client's frame) before forwarding.
     */
    public sealed interface P2pSignal extends Frame permits P2pOffer, P2pAnswer, P2pCandidate, P2pClose, PeerPing, PeerPong {
        String mesh();

        String from();

        String to();

        String sessionId();

        /** The same signal as forwarded by the coordinator: origin set from the authenticated connection. */
        P2pSignal withOrigin(String mesh, String from);
    }

    /** An SDP offer; {@code signature} is the sender's over {@link dev.meshwire.signaling.Canonical#p2pSdp}. */
    public record P2pOffer(String mesh, String from, String to, String sessionId, String sdp, String signature) implements P2pSignal {
        public String type() { return "p2p_offer"; }

        public P2pOffer withOrigin(String mesh, String from) { return new P2pOffer(mesh, from, to, sessionId, sdp, signature); }
    }

    /** An SDP answer; signed like the offer. */
    public record P2pAnswer(String mesh, String from, String to, String sessionId, String sdp, String signature) implements P2pSignal {
        public String type() { return "p2p_answer"; }

        public P2pAnswer withOrigin(String mesh, String from) { return new P2pAnswer(mesh, from, to, sessionId, sdp, signature); }
    }

    /** A trickled ICE candidate (the {@code candidate:...} line). Unsigned: DTLS binds the channel to the signed SDP. */
    public record P2pCandidate(String mesh, String from, String to, String sessionId, String mid, int mLineIndex,
                               String candidate) implements P2pSignal {
        public String type() { return "p2p_candidate"; }

        public P2pCandidate withOrigin(String mesh, String from) { return new P2pCandidate(mesh, from, to, sessionId, mid, mLineIndex, candidate); }
    }

    /** The sender ended (or refused) the session {@code sessionId}. */
    public record P2pClose(String mesh, String from, String to, String sessionId, String reason) implements P2pSignal {
        public String type() { return "p2p_close"; }

        public P2pClose withOrigin(String mesh, String from) { return new P2pClose(mesh, from, to, sessionId, reason); }
    }

    /**
     * A round trip to another member through the coordinator ({@code meshwire ping} over the relay path):
     * forwarded like the other signaling frames (origin stamped, online members only, same rate limits).
     * {@code nonce} is 32 random lowercase hex characters; the recipient's daemon answers at once with a
     * {@link PeerPong} carrying the same nonce. Unsigned: it proves only that the coordinator and the
     * peer's daemon answer, which is what a ping claims.
     */
    public record PeerPing(String mesh, String from, String to, String nonce) implements P2pSignal {
        public String type() { return "peer_ping"; }

        /** Signaling frames are keyed by a 32-hex id; for a ping that is the nonce. */
        @Override
        @com.fasterxml.jackson.annotation.JsonIgnore
        public String sessionId() { return nonce; }

        public PeerPing withOrigin(String mesh, String from) { return new PeerPing(mesh, from, to, nonce); }
    }

    /** The answer to a {@link PeerPing}: the same {@code nonce}, sent back to the pinger. */
    public record PeerPong(String mesh, String from, String to, String nonce) implements P2pSignal {
        public String type() { return "peer_pong"; }

        @Override
        @com.fasterxml.jackson.annotation.JsonIgnore
        public String sessionId() { return nonce; }

        public PeerPong withOrigin(String mesh, String from) { return new PeerPong(mesh, from, to, nonce); }
    }

    /**
     * Coordinator → the original sender of a queued message: the recipient's daemon acknowledged it
     * ({@code client_ack}: it verified and stored the message). {@code messageId} and
     * {@code clientMessageId} are those of the sender's {@code send}/{@code ack}; {@code to} is the
     * recipient's public key; {@code at} is epoch ms when the coordinator received the ack. Sent only to
     * connections that advertised the {@code receipts} feature; not stored (docs/protocol.md §5).
     */
    public record Receipt(String mesh, String messageId, String clientMessageId, String to, long at) implements Frame {
        public String type() { return "receipt"; }
    }

    // ---- mesh state (docs/protocol.md §6 "Mesh state") ----

    /**
     * Coordinator → client, after {@code hello_ack} (before any {@code deliver}) and as the answer to
     * {@link StateSync}: either {@code events} (the ones after the client's version, oldest first; empty
     * when it is current) or a signed {@code snapshot} (when the client is too far behind or on another
     * history). Exactly one of the two is present.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MeshSync(String id, String mesh, List<MeshEvent> events, MeshSnapshot snapshot) implements Frame {
        public String type() { return "mesh_sync"; }
    }

    /** Coordinator → every online member, at once: one new mesh-state event ("system" frame). */
    public record SystemEvent(String mesh, MeshEvent event) implements Frame {
        public String type() { return "system"; }
    }

    /** Client → coordinator: "I hold {@code have}; bring me up to date" (answered by {@link MeshSync}). */
    public record StateSync(String id, StateRef have) implements Frame {
        public String type() { return "state_sync"; }
    }

    /**
     * Owner or admin: emergency removal of a member. Its sessions close with 4002 "revoked", its queued
     * messages are dropped, and every daemon refuses what it signs from then on. Not undoable.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Revoke(String id, String target, String reason) implements Frame {
        public String type() { return "revoke"; }
    }

    /** Owner only: make a member {@code admin} or {@code member}. */
    public record SetRole(String id, String target, String role) implements Frame {
        public String type() { return "set_role"; }
    }

    /** Owner or admin: the membership ends silently at {@code expiresAt} (epoch ms); null clears it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SetExpiry(String id, String target, Long expiresAt) implements Frame {
        public String type() { return "set_expiry"; }
    }

    /** Any member: change its own display name (unique within the mesh). */
    public record Rename(String id, String name) implements Frame {
        public String type() { return "rename"; }
    }

    /**
     * What a peer can do, declared in hello/join and shown to others. Every field is optional on the wire:
     * {@code p2p} defaults to false, {@code maxMessageBytes} to 0 meaning "not stated" (the coordinator then
     * shows its own {@code maxFrameBytes}, see {@link #orFrameLimit}), {@code features} to an empty list.
     * {@code features} is carried to other members unchanged and read by no meshwire component.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Capabilities(@OptionalField boolean p2p, @OptionalField long maxMessageBytes, List<String> features) {
        public Capabilities {
            features = features == null ? List.of() : List.copyOf(features);
        }

        /** The wire form: absent or null fields take their defaults (Jackson would refuse a missing primitive). */
        @JsonCreator
        static Capabilities fromJson(@JsonProperty("p2p") Boolean p2p, @JsonProperty("maxMessageBytes") Long maxMessageBytes,
                                     @JsonProperty("features") List<String> features) {
            return new Capabilities(p2p != null && p2p, maxMessageBytes == null ? 0 : maxMessageBytes, features);
        }

        public static Capabilities relayOnly(long maxMessageBytes) {
            return new Capabilities(false, maxMessageBytes, List.of());
        }

        /** These capabilities with {@code maxMessageBytes} set to {@code frameLimit} where it was not stated (0 or less). */
        public Capabilities orFrameLimit(long frameLimit) {
            return maxMessageBytes > 0 ? this : new Capabilities(p2p, frameLimit, features);
        }
    }

    /** A member as seen by others. {@code connectedSince} is epoch ms, absent when offline. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PeerInfo(String pubkey, String name, String role, boolean online, Long connectedSince,
                           Capabilities capabilities, String parent, dev.meshwire.signaling.session.SessionAttestation attestation) {
        public PeerInfo(String pubkey, String name, String role, boolean online, Long connectedSince, Capabilities capabilities) {
            this(pubkey, name, role, online, connectedSince, capabilities, null, null);
        }

        /**
         * A session (docs/protocol.md §5 "session_hello"): {@code parent} is the member key it acts for (absent for
         * members) and {@code attestation} the parent's signed statement for it, so that every client can verify
         * the session itself (and see its capabilities) instead of trusting the coordinator.
         */
        public static PeerInfo session(String pubkey, String name, String role, long connectedSince, Capabilities capabilities,
                                       dev.meshwire.signaling.session.SessionAttestation attestation) {
            return new PeerInfo(pubkey, name, role, true, connectedSince, capabilities, attestation.parentPubkey(), attestation);
        }

        /** True for a session's presence (it has a parent member). */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean isSession() {
            return parent != null;
        }
    }

    /** A WebRTC ICE server entry, as in RTCIceServer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record IceServer(List<String> urls, String username, String credential) {}

    public record BanInfo(String pubkey, String name, long bannedAt) {}

    // ---- grants and services (issue #12; docs/protocol.md §6.3, §6.4) ----

    /**
     * Any member, for itself: what {@code sender} (a member's full key, or {@code *}) may do to this member.
     * {@code caps} is a comma-separated list of capabilities ("" = block everything); absent or null removes
     * the grant (back to the default, the full member set). Answered with {@code ok{op:"set_grant"}}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SetGrant(String id, String sender, String caps) implements Frame {
        public String type() { return "set_grant"; }
    }

    // ---- groups (issue #13; docs/protocol.md §12.1) ----

    /** Any member: create the empty group {@code @name} (it becomes its creator). Answered with {@code ok{op:"group_create"}}. */
    public record GroupCreate(String id, String name) implements Frame {
        public String type() { return "group_create"; }
    }

    /**
     * Put {@code member} (a member's full key) in group {@code group} with {@code role}, or take it out when {@code role}
     * is absent or null. Answered with {@code ok{op:"group_member"}} (also when nothing changed: {@code detail} says so).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroupMember(String id, String group, String member, String role) implements Frame {
        public String type() { return "group_member"; }
    }

    /** The group's creator, the mesh owner or an admin: delete group {@code @name}. Answered with {@code ok{op:"group_delete"}}. */
    public record GroupDelete(String id, String name) implements Frame {
        public String type() { return "group_delete"; }
    }

    /** Any member: record a service attestation it signed ({@code attestation.owner} = this member). */
    public record ServiceRegister(String id, dev.meshwire.signaling.service.ServiceAttestation attestation) implements Frame {
        public String type() { return "service_register"; }
    }

    /**
     * The service's owner (or the mesh owner or an admin): revoke the service {@code service} (its id or its full
     * key) through the mesh-state revocation ({@code member_revoked} of the service key).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServiceRevoke(String id, String service, String reason) implements Frame {
        public String type() { return "service_revoke"; }
    }

    // ---- sub-peers (issue #15; docs/protocol.md §6.5) ----

    /**
     * A service connection: the whole set of sub-peers it fronts now ({@link dev.meshwire.signaling.subpeer.SubpeerSet},
     * signed by the service key; the mesh and the service are the connection's). {@code ok{op:"subpeers_set"}}.
     */
    public record SubpeersSet(String id, long seq, List<String> names, String signature) implements Frame {
        public String type() { return "subpeers_set"; }
    }

    /**
     * Coordinator → every connection of the mesh: service {@code service}'s current sub-peer set (its signed statement,
     * unchanged). Sent when the set changes and, after {@code hello_ack}, once per service that has a non-empty set, then
     * with {@code initial = true} (the state on arrival, not a change: a client that knew nothing of the service lists no
     * joins for it).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Subpeers(String mesh, String service, long seq, List<String> names, String signature, Boolean initial) implements Frame {
        public String type() { return "subpeers"; }
    }

    // ---- topics (issue #13; docs/protocol.md §12.2). Posts are a send with to = "#name" ----

    /**
     * Any member: create {@code topic} with a key it generated (the coordinator never sees it): {@code keyCheck} and its
     * own {@code seal} of the key. Answered with {@code ok{op:"topic_create"}}; {@code topic_conflict} if the name is taken.
     */
    public record TopicCreate(String id, String topic, String keyCheck, dev.meshwire.signaling.meshstate.TopicSeal seal) implements Frame {
        public String type() { return "topic_create"; }
    }

    /** Any member: join {@code topic}; a member holding the key seals it for the joiner. {@code ok{op:"topic_join"}}. */
    public record TopicJoin(String id, String topic) implements Frame {
        public String type() { return "topic_join"; }
    }

    /**
     * Leave {@code topic}; with {@code member} (a full key), the mesh owner or an admin removes that member.
     * {@code ok{op:"topic_leave"}}; the topic then needs a re-key.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TopicLeave(String id, String topic, String member) implements Frame {
        public String type() { return "topic_leave"; }
    }

    /** A member holding the key of {@code epoch} seals it for {@code member}, a topic member waiting for one. {@code ok{op:"topic_seal"}}. */
    public record TopicSealKey(String id, String topic, long epoch, String member, dev.meshwire.signaling.meshstate.TopicSeal seal)
            implements Frame {
        public String type() { return "topic_seal"; }
    }

    /**
     * A topic member replaces the key: {@code epoch} = current + 1, {@code seals} one per member it covers (itself
     * included), all sealed by it. {@code ok{op:"topic_rotate"}}, or {@code topic_conflict} when another rotation came first.
     */
    public record TopicRotate(String id, String topic, long epoch, String keyCheck,
                              List<dev.meshwire.signaling.meshstate.TopicEntry.Member> seals) implements Frame {
        public String type() { return "topic_rotate"; }
    }

    /**
     * A topic member: the topic's stored messages with {@code seq} &gt; {@code afterSeq} (0 or absent: from the oldest
     * kept), oldest first, at most {@code limit} (default and maximum 500). Answered with {@code topic_history_page}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TopicHistory(String id, String topic, Long afterSeq, Integer limit) implements Frame {
        public String type() { return "topic_history"; }
    }

    /** One page of a topic's history; {@code more}: further messages follow the last {@code seq}. */
    public record TopicHistoryPage(String id, String topic, List<TopicMessage> messages, boolean more) implements Frame {
        public String type() { return "topic_history_page"; }
    }

    /** A stored topic message: its position, the coordinator's id, when it was accepted, and the sender's envelope unchanged. */
    public record TopicMessage(long seq, String messageId, long at, Envelope envelope) {}
}
