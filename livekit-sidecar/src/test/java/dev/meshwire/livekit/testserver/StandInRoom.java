package dev.meshwire.livekit.testserver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import livekit.LivekitModels;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitModels.ParticipantInfo;

/**
 * One room: its participants by identity, their presence updates, and the forwarding of data packets between them.
 * All methods are synchronized: sessions call in from their own threads.
 */
final class StandInRoom {
    private final String name;
    private final String sid;
    private final long createdAt = System.currentTimeMillis() / 1000;
    private final Map<String, ParticipantSession> participants = new LinkedHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong forwarded;

    /** {@code forwarded} counts packet copies handed to recipients (shared by all rooms of a server). */
    StandInRoom(String name, String sid, java.util.concurrent.atomic.AtomicLong forwarded) {
        this.name = name;
        this.sid = sid;
        this.forwarded = forwarded;
    }

    String name() {
        return name;
    }

    synchronized LivekitModels.Room info() {
        return LivekitModels.Room.newBuilder().setSid(sid).setName(name).setCreationTime(createdAt)
                .setNumParticipants(participants.size()).setEmptyTimeout(300).setDepartureTimeout(20).build();
    }

    /**
     * Adds {@code session}: hands the participants already present to {@code sendJoin} (which must send the join
     * response) and only then tells the others, all under the room lock, so that no presence update can reach the
     * new participant before its join response (the SDK drops anything that comes before it). A session with the same
     * identity is replaced (as livekit-server does: the newer connection wins) and told to leave.
     */
    synchronized void join(ParticipantSession session, java.util.function.Consumer<List<ParticipantInfo>> sendJoin) {
        ParticipantSession old = participants.remove(session.identity());
        if (old != null) {
            old.kick(LivekitModels.DisconnectReason.DUPLICATE_IDENTITY);
            broadcast(old.info(ParticipantInfo.State.DISCONNECTED), null);
        }
        List<ParticipantInfo> others = new ArrayList<>();
        for (ParticipantSession p : participants.values()) others.add(p.info(ParticipantInfo.State.ACTIVE));
        sendJoin.accept(others);
        participants.put(session.identity(), session);
        broadcast(session.info(ParticipantInfo.State.ACTIVE), session);
    }

    /** Removes {@code session} (if it is still the current one for its identity) and tells the others. */
    synchronized void leave(ParticipantSession session) {
        if (participants.get(session.identity()) != session) return;
        participants.remove(session.identity());
        broadcast(session.info(ParticipantInfo.State.DISCONNECTED), null);
    }

    /** The session {@code identity} has now, if its sid is {@code sid} (what a resume names). */
    synchronized ParticipantSession session(String identity, String sid) {
        ParticipantSession p = participants.get(identity);
        return p != null && p.sid().equals(sid) ? p : null;
    }

    /** The session {@code identity} has now, or null. */
    synchronized ParticipantSession current(String identity) {
        return participants.get(identity);
    }

    /** Everyone in the room but {@code self}, as ACTIVE participants (the list a resumed client is sent). */
    synchronized List<ParticipantInfo> others(ParticipantSession self) {
        List<ParticipantInfo> out = new ArrayList<>();
        for (ParticipantSession p : participants.values()) if (p != self) out.add(p.info(ParticipantInfo.State.ACTIVE));
        return out;
    }

    synchronized int size() {
        return participants.size();
    }

    /**
     * Forwards a data packet from {@code from}: to the identities in {@code destination_identities} when it names any
     * (unknown ones are skipped), else to everyone else in the room. The sender's identity and sid are stamped by the
     * server, whatever the client wrote. Returns how many participants it was handed to.
     */
    synchronized int forward(ParticipantSession from, DataPacket packet, boolean reliable) {
        List<String> targets = new ArrayList<>(packet.getDestinationIdentitiesList());
        if (targets.isEmpty() && packet.hasUser()) targets.addAll(packet.getUser().getDestinationIdentitiesList());
        DataPacket.Builder out = packet.toBuilder().setParticipantIdentity(from.identity()).setParticipantSid(from.sid());
        if (packet.hasUser()) {
            out.setUser(packet.getUser().toBuilder().setParticipantIdentity(from.identity()).setParticipantSid(from.sid()));
        }
        byte[] bytes = out.build().toByteArray();
        int handed = 0;
        for (ParticipantSession p : participants.values()) {
            if (p == from) continue;
            if (!targets.isEmpty() && !targets.contains(p.identity())) continue;
            p.deliver(bytes, reliable);
            handed++;
        }
        forwarded.addAndGet(handed);
        return handed;
    }

    private void broadcast(ParticipantInfo info, ParticipantSession except) {
        for (ParticipantSession p : participants.values()) {
            if (p != except) p.participantUpdate(info);
        }
    }
}
