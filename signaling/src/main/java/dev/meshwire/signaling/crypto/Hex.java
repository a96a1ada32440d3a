package dev.meshwire.signaling.crypto;

import java.util.HexFormat;

/** Lowercase hex, the only textual form of keys and signatures on the wire. */
public final class Hex {
    private static final HexFormat HEX = HexFormat.of();

    private Hex() {}

    public static String encode(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /**
     * Decodes hex of an exact byte length.
     *
     * @throws IllegalArgumentException naming {@code what} if the text is not hex of that length
     */
    public static byte[] decode(String hex, int expectedBytes, String what) {
        if (hex == null || hex.length() != expectedBytes * 2) {
            throw new IllegalArgumentException(what + " must be " + expectedBytes * 2 + " hex characters");
        }
        try {
            return HEX.parseHex(hex.toLowerCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid hex");
        }
    }

    public static boolean isHex(String s, int chars) {
        if (s == null || s.length() != chars) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            if (!ok) return false;
        }
        return true;
    }

    /**
     * True when {@code s} is exactly {@code chars} hex digits in either case (a signature field, which the verifier
     * decodes case-insensitively). A loop, not a regex: it runs on every relayed {@code send}.
     */
    public static boolean isHexAnyCase(String s, int chars) {
        if (s == null || s.length() != chars) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) return false;
        }
        return true;
    }

    public static boolean isHexPrefix(String s) {
        if (s == null || s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }
}
