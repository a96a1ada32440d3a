package dev.meshwire.peer.stream;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/test-vectors.md "Stream (file transfer)": a one-chunk stream of the 9-byte file {@code hello bob} from alice to
 * bob — its offer's plaintext byte for byte, the chunk envelope's canonical string and signature (the crypto_box vector
 * as a body version 2) — and the control messages a receiver refuses, each with its reason. The document shows exactly
 * these values.
 */
class StreamVectorsTest {
    static final String STREAM_ID = "00112233445566778899aabbccddeeff";
    static final String FILE_SHA256 = "4873d097b90c724ce62c55daf4e8b52f1469d1f1b305d4e735ffd67a5b1bf518";
    static final String OFFER_JSON = "{\"type\":\"offer\",\"name\":\"hello.txt\",\"size\":9,\"sha256\":\"" + FILE_SHA256 + "\",\"chunkSize\":262144}";
    static final String CHUNK_CANONICAL = "meshwire-envelope|v2|stream|" + TestVectors.BOB_PUB + "|" + TestVectors.ALICE_PUB
            + "|AAECAwQFBgcICQoLDA0ODxAREhMUFRYX|14a077467050c0e0c94fcaa57618e48dc72ecda00fdac995e7a876b0a84b7fab|2|{\"clientMessageId\":\"s:"
            + STREAM_ID + ":0:1\",\"createdAt\":1767225600000,\"priority\":\"low\",\"streamChunkId\":0,\"streamId\":\"" + STREAM_ID
            + "\",\"streamTerminator\":true}";
    static final String CHUNK_SIG = "0aada17080e5f080f11f341637abcbbb76cfe7fe777d970f6a9f782bc34ad5d59e4e4180c274ba391921e683476054d0ff48b97d44bc254bea14d9b6c30ac001";

    static Envelope chunk() {
        Meta meta = new Meta("s:" + STREAM_ID + ":0:1", null, Priority.LOW, null, STREAM_ID, 0L, Boolean.TRUE, null, null, null, null, null,
                1767225600000L);
        return new Envelope(Envelope.VERSION, Channel.STREAM, TestVectors.BOB_PUB, TestVectors.ALICE_PUB,
                new Body(TestVectors.BOX_NONCE_B64, TestVectors.BOX_CIPHERTEXT_B64, Body.BYTES_V2), meta, null);
    }

    @Test
    void theOfferOfAOneChunkFile() throws Exception {
        byte[] file = "hello bob".getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        System.out.println("sha256(hello bob) = " + sha);
        assertEquals(FILE_SHA256, sha);
        byte[] offer = StreamControl.offer("hello.txt", file.length, sha, FileSettings.DEFAULT_CHUNK).toBytes();
        assertEquals(OFFER_JSON, new String(offer, StandardCharsets.UTF_8));
        assertEquals(StreamControl.offer("hello.txt", 9, sha, 262144), StreamControl.parse(offer));
    }

    @Test
    void theChunkEnvelopeIsSignedLikeEveryEnvelopeAndOpensToTheBytes() {
        Envelope env = chunk();
        String canonical = EnvelopeSignature.canonical(env);
        Envelope signed = EnvelopeSignature.sign(env, TestVectors.alice());
        System.out.println("chunk canonical = " + canonical);
        System.out.println("chunk signature = " + signed.signature());
        assertEquals(CHUNK_CANONICAL, canonical);
        assertEquals(CHUNK_SIG, signed.signature());
        assertTrue(EnvelopeSignature.verify(signed));
        byte[] plain = new BoxCipher(TestVectors.bob()).open(PublicKey.fromHex(TestVectors.ALICE_PUB),
                Base64.getDecoder().decode(TestVectors.BOX_NONCE_B64), Base64.getDecoder().decode(TestVectors.BOX_CIPHERTEXT_B64));
        assertEquals("hello bob", new String(plain, StandardCharsets.UTF_8));
    }

    /** Each refused control plaintext and the reason the receiver logs. */
    static final List<String[]> REFUSED = List.of(
            new String[] {"{\"type\":\"accept\"}", "accept without 'offset'"},
            new String[] {"{\"type\":\"accept\",\"offset\":-1}", "'offset' must be an integer ≥ 0"},
            new String[] {"{\"type\":\"progress\",\"offset\":\"5\"}", "'offset' must be an integer ≥ 0"},
            new String[] {"{\"type\":\"accept\",\"offset\":0,\"extra\":1}", "control message has unknown key 'extra'"},
            new String[] {"{\"type\":\"resume\",\"offset\":0}", "unknown control type 'resume'"},
            new String[] {"{\"type\":\"offer\",\"name\":\"a\",\"size\":1,\"sha256\":\"" + FILE_SHA256.toUpperCase() + "\",\"chunkSize\":262144}",
                    "offer 'sha256' must be 64 lowercase hex"},
            new String[] {"{\"type\":\"offer\",\"name\":\"a\",\"size\":1,\"sha256\":\"" + FILE_SHA256 + "\",\"chunkSize\":512}",
                    "offer chunkSize must be 1024..1048576"},
            new String[] {"{\"type\":\"offer\",\"name\":\"a\",\"size\":1,\"sha256\":\"" + FILE_SHA256 + "\",\"chunkSize\":262144,\"subpeer\":\"carol\"}",
                    "offer 'subpeer' is not a sub-peer name: sub-peer name 'carol' must be <kind>:<local> with a kind of 1-16 characters a-z, 0-9 and '-' (e.g. lk:alice)"},
            new String[] {"[1]", "control message is not a JSON object"});

    /** An offer for the sub-peer lk:carol of the receiving service (docs/protocol.md §12.4 "Sub-peers"). */
    static final String SUBPEER_OFFER_JSON = "{\"type\":\"offer\",\"name\":\"hello.txt\",\"size\":9,\"sha256\":\"" + FILE_SHA256
            + "\",\"chunkSize\":262144,\"subpeer\":\"lk:carol\"}";

    @Test
    void anOfferForASubpeerNamesIt() {
        byte[] offer = StreamControl.offer("hello.txt", 9, FILE_SHA256, FileSettings.DEFAULT_CHUNK, "lk:carol").toBytes();
        assertEquals(SUBPEER_OFFER_JSON, new String(offer, StandardCharsets.UTF_8));
        assertEquals("lk:carol", StreamControl.parse(offer).subpeer());
    }

    @Test
    void refusedControlMessages() {
        for (String[] r : REFUSED) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StreamControl.parse(r[0].getBytes(StandardCharsets.UTF_8)), r[0]);
            assertEquals(r[1], e.getMessage(), r[0]);
        }
    }

    @Test
    void theDocumentShowsTheseValues() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "test-vectors.md"));
        for (String v : List.of(OFFER_JSON, SUBPEER_OFFER_JSON, CHUNK_CANONICAL, CHUNK_SIG, FILE_SHA256)) assertTrue(doc.contains(v), "docs/test-vectors.md lacks " + v);
        for (String[] r : REFUSED) {
            assertTrue(doc.contains("`" + r[0] + "`"), "docs/test-vectors.md lacks " + r[0]);
            assertTrue(doc.contains(r[1]), "docs/test-vectors.md lacks " + r[1]);
        }
    }
}
