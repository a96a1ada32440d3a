package dev.meshwire.turn.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NonceIssuerTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final NonceIssuer nonces = new NonceIssuer(Duration.ofSeconds(600), clock::get);

    @Test
    void freshNonceIsValidForItsClientUntilItsLifetimeEnds() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        String n = nonces.issue(a);
        assertTrue(n.length() < 128 && n.chars().allMatch(c -> c > 32 && c < 127), "a short printable nonce: " + n);
        assertEquals(NonceIssuer.Verdict.VALID, nonces.check(n, a));
        clock.addAndGet(599_000);
        assertEquals(NonceIssuer.Verdict.VALID, nonces.check(n, a));
        clock.addAndGet(1_000);
        assertEquals(NonceIssuer.Verdict.STALE, nonces.check(n, a));
    }

    @Test
    void nonceIsBoundToTheAddressAndTheIssuer() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        String n = nonces.issue(a);
        assertEquals(NonceIssuer.Verdict.INVALID, nonces.check(n, InetAddress.getByName("192.0.2.2")));
        NonceIssuer restarted = new NonceIssuer(Duration.ofSeconds(600), clock::get);
        assertEquals(NonceIssuer.Verdict.INVALID, restarted.check(n, a), "a new key per start");
        assertNotEquals(n, restarted.issue(a));
    }

    @Test
    void forgedOrMangledNoncesAreInvalid() throws Exception {
        InetAddress a = InetAddress.getByName("2001:db8::1");
        String n = nonces.issue(a);
        String laterTime = Long.toHexString(clock.get() + 10_000) + n.substring(n.indexOf('-'));
        assertEquals(NonceIssuer.Verdict.INVALID, nonces.check(laterTime, a), "the time is covered by the tag");
        for (String junk : new String[] {"", "-", "zz-00", "0-", "-abc", n + "0", n.substring(0, n.length() - 1)}) {
            assertEquals(NonceIssuer.Verdict.INVALID, nonces.check(junk, a), "'" + junk + "'");
        }
    }
}
