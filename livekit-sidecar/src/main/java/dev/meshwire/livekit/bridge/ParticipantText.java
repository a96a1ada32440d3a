package dev.meshwire.livekit.bridge;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How a room participant is named in mesh text (docs/livekit.md "Identity and mapping").
 *
 * <p>Room → mesh: {@code [lk:<identity>] <payload>}; a payload that is not valid UTF-8 is written
 * {@code [lk:<identity> b64] <base64>} rather than mangled. Mesh → room: a dm to the side-car's service starts with
 * {@code lk:<identity> } (or the same {@code [lk:<identity>] } prefix, so a reply can copy what arrived); the rest of
 * the text, UTF-8, is the payload. In {@code <identity>} the characters {@code %}, {@code ]}, space and control
 * characters are percent-encoded, so any LiveKit identity round-trips.
 */
public final class ParticipantText {
    private ParticipantText() {}

    /** A mesh dm addressed to a participant: whom, and the payload bytes. */
    public record Addressed(String identity, byte[] payload) {}

    /** The mesh text for {@code payload} from participant {@code identity}. */
    public static String fromParticipant(String identity, byte[] payload) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload)).toString();
            return "[lk:" + encode(identity) + "] " + text;
        } catch (CharacterCodingException e) {
            return "[lk:" + encode(identity) + " b64] " + Base64.getEncoder().encodeToString(payload);
        }
    }

    /**
     * Parses a mesh dm to the side-car. Throws {@link IllegalArgumentException} with a message for the sender when
     * the text names no participant or an empty payload.
     */
    public static Addressed toParticipant(String text) {
        String t = text == null ? "" : text;
        String identity;
        String rest;
        if (t.startsWith("[lk:")) {
            int close = t.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("the text starts with [lk: but has no closing ]");
            identity = t.substring(4, close);
            rest = t.substring(close + 1);
        } else if (t.startsWith("lk:")) {
            int space = t.indexOf(' ');
            if (space < 0) throw new IllegalArgumentException("nothing to send after lk:<identity>");
            identity = t.substring(3, space);
            rest = t.substring(space);
        } else {
            throw new IllegalArgumentException("a message to the LiveKit side-car must start with lk:<participant identity>, e.g. \"lk:alice hello\"");
        }
        if (rest.startsWith(" ")) rest = rest.substring(1);
        String id = decode(identity);
        if (id.isEmpty()) throw new IllegalArgumentException("the participant identity after lk: is empty");
        if (rest.isEmpty()) throw new IllegalArgumentException("nothing to send to lk:" + identity);
        return new Addressed(id, rest.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The mesh sub-peer name of participant {@code identity} (docs/protocol.md §6.5): {@code lk:<encoded identity>}, or
     * null when it is too long to be one (more than 128 characters once encoded; such a participant is bridged but not
     * listed as a sub-peer).
     */
    public static String subpeerName(String identity) {
        String name = PREFIX + encode(identity);
        return dev.meshwire.signaling.subpeer.SubpeerSet.nameProblem(name) == null ? name : null;
    }

    /** The participant a sub-peer name ({@code lk:<encoded identity>}, a dm row's target) stands for, or null. */
    public static String identityOf(String subpeer) {
        if (subpeer == null || !subpeer.startsWith(PREFIX) || subpeer.length() == PREFIX.length()) return null;
        return decode(subpeer.substring(PREFIX.length()));
    }

    /** The sub-peer kind of LiveKit participants. */
    public static final String PREFIX = "lk:";

    /**
     * {@code %}, {@code [}, {@code ]}, whitespace (any Unicode space) and control characters become {@code %XX} of their
     * UTF-8 bytes; everything else stays, so the result is a valid sub-peer local part and {@link #decode} inverts it.
     */
    static String encode(String identity) {
        StringBuilder b = new StringBuilder();
        identity.codePoints().forEach(cp -> {
            if (cp == '%' || cp == '[' || cp == ']' || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)
                    || Character.getType(cp) == Character.SURROGATE) {
                for (byte x : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) b.append('%').append(String.format("%02X", x & 0xff));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }

    static String decode(String encoded) {
        byte[] raw = encoded.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '%' && i + 2 < raw.length) {
                try {
                    out.write(Integer.parseInt(new String(raw, i + 1, 2, StandardCharsets.US_ASCII), 16));
                    i += 2;
                    continue;
                } catch (NumberFormatException ignored) {
                    // a lone % stays as it is
                }
            }
            out.write(raw[i]);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
