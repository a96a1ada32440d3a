package dev.meshwire.signaling.frame;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A JSON text frame on the peer ↔ coordinator WebSocket: {@code {"type": ..., "id": ...}}. Every
 * frame type is a record in {@link Frames}; docs/protocol.md describes each one. Requests carry a
 * client-chosen {@code id} that the answer echoes.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type", visible = false)
@JsonSubTypes({
    @JsonSubTypes.Type(value = Frames.Challenge.class, name = "challenge"),
    @JsonSubTypes.Type(value = Frames.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = Frames.Join.class, name = "join"),
    @JsonSubTypes.Type(value = Frames.SessionHello.class, name = "session_hello"),
    @JsonSubTypes.Type(value = Frames.HelloAck.class, name = "hello_ack"),
    @JsonSubTypes.Type(value = Frames.Send.class, name = "send"),
    @JsonSubTypes.Type(value = Frames.Ack.class, name = "ack"),
    @JsonSubTypes.Type(value = Frames.Deliver.class, name = "deliver"),
    @JsonSubTypes.Type(value = Frames.ClientAck.class, name = "client_ack"),
    @JsonSubTypes.Type(value = Frames.ListPeers.class, name = "list_peers"),
    @JsonSubTypes.Type(value = Frames.Peers.class, name = "peers"),
    @JsonSubTypes.Type(value = Frames.PeerJoined.class, name = "peer_joined"),
    @JsonSubTypes.Type(value = Frames.PeerLeft.class, name = "peer_left"),
    @JsonSubTypes.Type(value = Frames.SubpeersSet.class, name = "subpeers_set"),
    @JsonSubTypes.Type(value = Frames.Subpeers.class, name = "subpeers"),
    @JsonSubTypes.Type(value = Frames.Kick.class, name = "kick"),
    @JsonSubTypes.Type(value = Frames.Ban.class, name = "ban"),
    @JsonSubTypes.Type(value = Frames.Unban.class, name = "unban"),
    @JsonSubTypes.Type(value = Frames.ListBans.class, name = "list_bans"),
    @JsonSubTypes.Type(value = Frames.Bans.class, name = "bans"),
    @JsonSubTypes.Type(value = Frames.Leave.class, name = "leave"),
    @JsonSubTypes.Type(value = Frames.Ok.class, name = "ok"),
    @JsonSubTypes.Type(value = Frames.Error.class, name = "error"),
    @JsonSubTypes.Type(value = Frames.Ping.class, name = "ping"),
    @JsonSubTypes.Type(value = Frames.Pong.class, name = "pong"),
    @JsonSubTypes.Type(value = Frames.P2pOffer.class, name = "p2p_offer"),
    @JsonSubTypes.Type(value = Frames.P2pAnswer.class, name = "p2p_answer"),
    @JsonSubTypes.Type(value = Frames.P2pCandidate.class, name = "p2p_candidate"),
    @JsonSubTypes.Type(value = Frames.P2pClose.class, name = "p2p_close"),
    @JsonSubTypes.Type(value = Frames.PeerPing.class, name = "peer_ping"),
    @JsonSubTypes.Type(value = Frames.PeerPong.class, name = "peer_pong"),
    @JsonSubTypes.Type(value = Frames.Receipt.class, name = "receipt"),
    @JsonSubTypes.Type(value = Frames.MeshSync.class, name = "mesh_sync"),
    @JsonSubTypes.Type(value = Frames.SystemEvent.class, name = "system"),
    @JsonSubTypes.Type(value = Frames.StateSync.class, name = "state_sync"),
    @JsonSubTypes.Type(value = Frames.Revoke.class, name = "revoke"),
    @JsonSubTypes.Type(value = Frames.SetRole.class, name = "set_role"),
    @JsonSubTypes.Type(value = Frames.SetExpiry.class, name = "set_expiry"),
    @JsonSubTypes.Type(value = Frames.Rename.class, name = "rename"),
    @JsonSubTypes.Type(value = Frames.SetGrant.class, name = "set_grant"),
    @JsonSubTypes.Type(value = Frames.ServiceRegister.class, name = "service_register"),
    @JsonSubTypes.Type(value = Frames.ServiceRevoke.class, name = "service_revoke"),
    @JsonSubTypes.Type(value = Frames.GroupCreate.class, name = "group_create"),
    @JsonSubTypes.Type(value = Frames.GroupMember.class, name = "group_member"),
    @JsonSubTypes.Type(value = Frames.GroupDelete.class, name = "group_delete"),
    @JsonSubTypes.Type(value = Frames.TopicCreate.class, name = "topic_create"),
    @JsonSubTypes.Type(value = Frames.TopicJoin.class, name = "topic_join"),
    @JsonSubTypes.Type(value = Frames.TopicLeave.class, name = "topic_leave"),
    @JsonSubTypes.Type(value = Frames.TopicSealKey.class, name = "topic_seal"),
    @JsonSubTypes.Type(value = Frames.TopicRotate.class, name = "topic_rotate"),
    @JsonSubTypes.Type(value = Frames.TopicHistory.class, name = "topic_history"),
    @JsonSubTypes.Type(value = Frames.TopicHistoryPage.class, name = "topic_history_page"),
})
public sealed interface Frame permits Frames.Challenge, Frames.Hello, Frames.Join, Frames.SessionHello, Frames.HelloAck, Frames.Send,
        Frames.Ack, Frames.Deliver, Frames.ClientAck, Frames.ListPeers, Frames.Peers, Frames.PeerJoined,
        Frames.PeerLeft, Frames.Kick, Frames.Ban, Frames.Unban, Frames.ListBans, Frames.Bans, Frames.Leave,
        Frames.Ok, Frames.Error, Frames.Ping, Frames.Pong, Frames.P2pSignal, Frames.MeshSync, Frames.SystemEvent,
        Frames.StateSync, Frames.Revoke, Frames.SetRole, Frames.SetExpiry, Frames.Rename, Frames.Receipt,
        Frames.SetGrant, Frames.ServiceRegister, Frames.ServiceRevoke, Frames.GroupCreate, Frames.GroupMember, Frames.GroupDelete,
        Frames.TopicCreate, Frames.TopicJoin, Frames.TopicLeave, Frames.TopicSealKey, Frames.TopicRotate, Frames.TopicHistory,
        Frames.TopicHistoryPage, Frames.SubpeersSet, Frames.Subpeers {

    /** The wire name, e.g. {@code "hello_ack"}. Serialized as the {@code type} property. */
    String type();
}
