package dev.meshwire.signaling.meshstate;

import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.topic.TopicKeys;
import dev.meshwire.signaling.topic.TopicNames;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

/** The field rules of the topic events (docs/protocol.md §12.2 "Events"); state rules are in {@link TopicRules}. */
final class TopicPayloads {
    /** Most seals one rotation carries (and so most members a topic can have). */
    static final int MAX_SEALS = 1000;

    private TopicPayloads() {}

    static void validate(EventPayload p) {
        String kind = p.kind();
        if (p instanceof EventPayload.TopicCreated c) {
            topic(kind, c.topic());
            check(kind, c.keyCheck());
            seal(kind, c.seal());
        } else if (p instanceof EventPayload.TopicJoined j) {
            topic(kind, j.topic());
            EventPayload.key(kind, "pubkey", j.pubkey());
        } else if (p instanceof EventPayload.TopicLeft l) {
            topic(kind, l.topic());
            EventPayload.key(kind, "pubkey", l.pubkey());
        } else if (p instanceof EventPayload.TopicKeySealed s) {
            topic(kind, s.topic());
            epoch(kind, s.epoch());
            EventPayload.key(kind, "pubkey", s.pubkey());
            seal(kind, s.seal());
        } else if (p instanceof EventPayload.TopicKeyRotated r) {
            topic(kind, r.topic());
            epoch(kind, r.epoch());
            if (r.epoch() < 2) throw EventPayload.malformed(kind, "a rotation's epoch is at least 2");
            check(kind, r.keyCheck());
            if (r.seals() == null || r.seals().isEmpty() || r.seals().size() > MAX_SEALS) {
                throw EventPayload.malformed(kind, "seals must list 1.." + MAX_SEALS + " members");
            }
            Set<String> seen = new HashSet<>();
            for (TopicEntry.Member m : r.seals()) {
                if (m == null) throw EventPayload.malformed(kind, "seals holds a null entry");
                EventPayload.key(kind, "seals[].pubkey", m.pubkey());
                if (!seen.add(m.pubkey())) throw EventPayload.malformed(kind, "seals names " + m.pubkey() + " twice");
                seal(kind, m.seal());
            }
        }
    }

    private static void topic(String kind, String name) {
        String problem = TopicNames.check(name);
        if (problem != null) throw EventPayload.malformed(kind, "topic: " + problem);
    }

    private static void check(String kind, String keyCheck) {
        if (!Hex.isHex(keyCheck, 64)) throw EventPayload.malformed(kind, "keyCheck must be 64 lowercase hex characters");
    }

    private static void epoch(String kind, long epoch) {
        if (epoch < 1 || epoch > TopicKeys.MAX_EPOCH) throw EventPayload.malformed(kind, "epoch must be 1.." + TopicKeys.MAX_EPOCH);
    }

    private static void seal(String kind, TopicSeal s) {
        if (s == null) throw EventPayload.malformed(kind, "seal is required");
        EventPayload.key(kind, "seal.sealer", s.sealer());
        if (decodedLength(s.nonce()) != TopicKeys.NONCE_BYTES) throw EventPayload.malformed(kind, "seal.nonce must be base64 of 24 bytes");
        if (decodedLength(s.box()) != TopicKeys.KEY_BYTES + TopicKeys.MAC_BYTES) {
            throw EventPayload.malformed(kind, "seal.box must be base64 of 48 bytes (a sealed 32-byte key)");
        }
    }

    private static int decodedLength(String b64) {
        if (b64 == null) return -1;
        try {
            return Base64.getDecoder().decode(b64).length;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
