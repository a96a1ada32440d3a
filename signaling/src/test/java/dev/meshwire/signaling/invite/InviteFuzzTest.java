package dev.meshwire.signaling.invite;

import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.fuzz.Fuzz;
import dev.meshwire.signaling.fuzz.Mutator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: {@link Invite#decode} — run by the coordinator on every {@code join} and by the daemon on
 * {@code meshwire join} — either returns an invite whose {@link Invite#signatureValid} answers, or refuses
 * with its documented IllegalArgumentException and a message. Two generators: the invite text mutated as
 * text, and the JSON inside mutated structurally and wrapped again as {@code mw1.<base64url>}, so the JSON
 * checks are reached and not only the base64 ones.
 */
class InviteFuzzTest {
    @Test
    void invitesMutatedDecodeOrAreRefused() {
        List<String> texts = List.of(TestVectors.INVITE_V2_TEXT,
                new Invite(1, "ws://127.0.0.1:7600", TestVectors.MESH, "team", TestVectors.INVITE_ID, TestVectors.ALICE_PUB,
                        TestVectors.INVITE_EXPIRES_AT, 3, "ab".repeat(64), null).encode(),
                "  " + TestVectors.INVITE_V2_TEXT + "\n");
        List<String> jsons = texts.stream().map(t -> new String(Base64.getUrlDecoder().decode(t.trim().substring(Invite.PREFIX.length())),
                StandardCharsets.UTF_8)).toList();
        Mutator inner = Mutator.json(jsons);
        Fuzz.Generator wrapped = r -> (Invite.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(inner.next(r)))
                .getBytes(StandardCharsets.UTF_8);
        Mutator text = Mutator.binary(texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList());
        Fuzz.run("invite", Fuzz.oneOf(text, wrapped), InviteFuzzTest::decode, Fuzz.Contract.refusing(IllegalArgumentException.class))
                .assertNoCrash().assertBothOutcomes();
    }

    static void decode(byte[] input) {
        Invite.decode(new String(input, StandardCharsets.UTF_8)).signatureValid();
    }
}
