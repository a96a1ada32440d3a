package dev.meshwire.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** The text of a {@code leave} or {@code mesh rm} answer ({@code MeshRemovedReply}). */
final class MeshRemoval {
    private MeshRemoval() {}

    static String text(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        String mesh = r.path("mesh").asText();
        sb.append(r.path("left").asBoolean() ? "left mesh " + mesh + " on " + r.path("coordinator").asText()
                : "forgot mesh " + mesh + " on this machine (the coordinator still lists you as a member)");
        sb.append("; your identity ").append(Render.shortKey(r.path("pubkey").asText())).append(" is deleted here\n");
        long abandoned = r.path("abandoned").asLong();
        if (abandoned > 0) sb.append("aborted ").append(abandoned).append(" pending send(s) to it\n");
        sb.append("to come back: meshwire join <invite>\n");
        return sb.toString();
    }
}
