package dev.meshwire.signaling.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.envelope.Channel;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopesTest {
    @Test
    void everyChannelNeedsOneReadScope() {
        assertEquals(Scopes.DM_READ, Scopes.readScopeFor(Channel.DM));
        assertEquals(Scopes.DM_READ, Scopes.readScopeFor(Channel.STREAM));
        assertEquals(Scopes.DM_READ, Scopes.readScopeFor(Channel.SYSTEM));
        assertEquals(Scopes.TOPIC_READ, Scopes.readScopeFor(Channel.GROUP));
        assertEquals(Scopes.TOPIC_READ, Scopes.readScopeFor(Channel.TOPIC));
        assertEquals(Scopes.RPC_SERVE, Scopes.readScopeFor(Channel.RPC));
    }

    @Test
    void aWriteOnlyServiceReceivesNothing() {
        Set<String> writeOnly = Set.of(Scopes.DM_WRITE, Scopes.TOPIC_WRITE, Scopes.RPC_INVOKE);
        for (Channel c : Channel.values()) assertFalse(Scopes.mayReceive(writeOnly, c), c.name());
        assertFalse(Scopes.mayReceive(null, Channel.DM));
        assertTrue(Scopes.mayReceive(List.of(Scopes.DM_READ), Channel.DM));
        assertFalse(Scopes.mayReceive(List.of(Scopes.DM_READ), Channel.GROUP));
    }

    @Test
    void readScopesGrantNoSending() {
        assertTrue(Scopes.senderCaps(List.of(Scopes.DM_READ, Scopes.TOPIC_READ, Scopes.RPC_SERVE)).isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scopes.parse("dm:read,dm:erase"));
        assertTrue(e.getMessage().contains("dm:erase"), e.getMessage());
    }
}
