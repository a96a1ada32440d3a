package dev.meshwire.signaling;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void meshNames() {
        assertNull(Names.checkMeshName("team-1"));
        assertNotNull(Names.checkMeshName("Team"));
        assertNotNull(Names.checkMeshName("a"));
        assertNotNull(Names.checkMeshName("a|b"));
        assertNotNull(Names.checkMeshName(null));
    }

    @Test
    void displayNames() {
        assertNull(Names.checkDisplayName("Alice_2.laptop"));
        assertNotNull(Names.checkDisplayName("al ice"));
        assertNotNull(Names.checkDisplayName("a|b"), "'|' would break canonical strings");
        assertNotNull(Names.checkDisplayName("*"));
        assertNotNull(Names.checkDisplayName(""));
    }
}
