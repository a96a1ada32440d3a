package dev.meshwire.livekit.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onvoid.webrtc.RTCIceCandidate;

/**
 * LiveKit's trickle {@code candidateInit}: the JSON of a browser RTCIceCandidateInit,
 * {@code {"candidate":..,"sdpMid":..,"sdpMLineIndex":..}} (the Rust SDK requires all three).
 */
final class IceJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IceJson() {}

    static String encode(RTCIceCandidate c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("candidate", c.sdp);
        n.put("sdpMid", c.sdpMid == null ? "0" : c.sdpMid);
        n.put("sdpMLineIndex", c.sdpMLineIndex);
        return n.toString();
    }

    /** Parses a client's candidateInit; null if malformed. */
    static RTCIceCandidate decode(String json) {
        if (json == null || json.length() > 4096) return null;
        try {
            JsonNode n = JSON.readTree(json);
            JsonNode cand = n.get("candidate");
            if (cand == null || !cand.isTextual()) return null;
            JsonNode mid = n.get("sdpMid");
            JsonNode idx = n.get("sdpMLineIndex");
            return new RTCIceCandidate(mid == null || mid.isNull() ? "0" : mid.asText(), idx == null ? 0 : idx.asInt(), cand.asText());
        } catch (Exception e) {
            return null;
        }
    }
}
