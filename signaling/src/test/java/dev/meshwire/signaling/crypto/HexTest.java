package dev.meshwire.signaling.crypto;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The hex shape checks, which replaced a regex on the relay's hot path ({@code [0-9a-fA-F]{128}} for a signature). */
class HexTest {
    @Test
    void anyCaseAcceptsExactlyTheRegexLanguage() {
        java.util.regex.Pattern regex = java.util.regex.Pattern.compile("[0-9a-fA-F]{4}");
        for (int c = 0; c < 0x180; c++) {
            String s = "aB3" + (char) c;
            assertEquals(regex.matcher(s).matches(), Hex.isHexAnyCase(s, 4), "char " + c);
            assertEquals(s.matches("[0-9a-f]{4}"), Hex.isHex(s, 4), "char " + c);
        }
        String signature = "0123456789abcdefABCDEF".repeat(6).substring(0, Signatures.HEX_CHARS);
        assertTrue(Hex.isHexAnyCase(signature, Signatures.HEX_CHARS));
        assertFalse(Hex.isHexAnyCase(signature.substring(1) + "g", Signatures.HEX_CHARS));
        assertFalse(Hex.isHexAnyCase(null, 0));
        assertFalse(Hex.isHexAnyCase("abc", 4));
        assertFalse(Hex.isHexAnyCase("abcde", 4));
        assertTrue(Hex.isHexAnyCase("", 0));
    }
}
