package dev.meshwire.signaling;

import dev.meshwire.signaling.crypto.Identity;

/**
 * Fixed inputs and expected outputs, published in docs/test-vectors.md so an independent
 * implementation can check itself. The Ed25519 values (keys, hello and envelope signatures) and the
 * SHA-256 were cross-checked with OpenSSL 3 and sha256sum; so were the mesh-state vectors (authority
 * key, the four event signatures and hashes, the snapshot body hash and signature, the v2 invite
 * signature), asserted by {@code MeshStateVectorsTest}; and the join, v1 invite, mesh creation, offer and escaped-meta
 * envelope signatures and the X25519 keys, asserted by {@code ProtocolVectorsTest}.
 */
public final class TestVectors {
    private TestVectors() {}

    public static final String ALICE_PUB = "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664";
    public static final String BOB_PUB = "cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa";
    public static final String MESH = "m_0011223344556677";
    public static final String NONCE_ZERO = "0".repeat(64);
    public static final String HELLO_SIG = "71bfc5c34764d0d9a7764b18b47f234d69f3391d5dbe02f5fca888c30c6071f71b435665861a57b398d602900736690d45f1fe57aedecc4c08278f90ae222b09";
    public static final String BOX_NONCE_B64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX";
    public static final String BOX_CIPHERTEXT_B64 = "IlZ0XB6il+zJ/iKnUBfFuB/ECreXysM4QA==";
    public static final String ENVELOPE_CANONICAL = "meshwire-envelope|v2|dm|" + BOB_PUB + "|" + ALICE_PUB
            + "|AAECAwQFBgcICQoLDA0ODxAREhMUFRYX|14a077467050c0e0c94fcaa57618e48dc72ecda00fdac995e7a876b0a84b7fab|1|"
            + "{\"clientMessageId\":\"cmid-0001\",\"createdAt\":1767225600000,\"priority\":\"now\"}";
    public static final String ENVELOPE_SIG = "c6473c8e8a495940590bff105d82daf427c3f56e1adcf62f884d7d89dd54c9bbd5dbd8b4a7293ef2afb8b52da9d8c2dc416230a969dea5deaba4c3165023c703";

    // ---- mesh state (docs/test-vectors.md "Mesh event", "Mesh snapshot", "Invite v2") ----

    public static final String AUTHORITY_PUB = "2543b92ff1095511476adc8369db6ddc933665a11978dda1404ee1066ca9559d";
    public static final String MESH_NAME = "team";
    /** {@code at} of event v1; v2..v4 follow one second apart, the snapshot one second after v4. */
    public static final long EVENT_T0 = 1767225600000L;
    public static final String BOB_REVOKE_REASON = "lost laptop";

    /** Canonical strings, hashes and signatures of events v1..v4 (index 0 = v1). */
    public static final String[] EVENT_CANONICAL = {
            "meshwire-mesh-event|v1|m_0011223344556677|1|0000000000000000000000000000000000000000000000000000000000000000|mesh_created|1767225600000|coordinator|{\"authority\":\"2543b92ff1095511476adc8369db6ddc933665a11978dda1404ee1066ca9559d\",\"name\":\"team\",\"owner\":\"79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664\"}",
            "meshwire-mesh-event|v1|m_0011223344556677|2|cf2178766d70f0ffbe0649cdf561c50561788af24481ec5320a9c0df4afe51fb|member_joined|1767225601000|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664|{\"name\":\"alice\",\"pubkey\":\"79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664\",\"role\":\"owner\"}",
            "meshwire-mesh-event|v1|m_0011223344556677|3|6d6e7e4436bc242dc3b6808c2dee905e980c9a513785699b4f2d21e3b7f5f165|member_joined|1767225602000|cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa|{\"name\":\"bob\",\"pubkey\":\"cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa\",\"role\":\"member\"}",
            "meshwire-mesh-event|v1|m_0011223344556677|4|d37160fafdd1e8cb9ec432a0abd303fd3bc4ca1f1630629ba3f88609af52e05c|member_revoked|1767225603000|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664|{\"pubkey\":\"cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa\",\"reason\":\"lost laptop\"}",
    };
    public static final String[] EVENT_HASH = {
            "cf2178766d70f0ffbe0649cdf561c50561788af24481ec5320a9c0df4afe51fb",
            "6d6e7e4436bc242dc3b6808c2dee905e980c9a513785699b4f2d21e3b7f5f165",
            "d37160fafdd1e8cb9ec432a0abd303fd3bc4ca1f1630629ba3f88609af52e05c",
            "ad9545d7b8bf6c5791ed493c7623c7c5e872c2ade74f3239c3b942cc22d1d161",
    };
    public static final String[] EVENT_SIG = {
            "b6c17b04ffdb590b585c2aa3604a6e75ee17d35e1fdceb7f367f2d49598eafe37223c96e0e002e29c11f7c6ca9b17f547412cb27c4edc1872624bba50964f802",
            "1d49c01ab7f8adf0bd2e96f97e06deea8c6a35deeab172193ce65d3d549a2d28ad3414124b006121bb2fe3aa6e712ff8ee48d5e31a88d21b6630c67b80150d0d",
            "5afef93114c166805aab2eadd0c6a31598b161a7f466505fe0cdce623b47fbf7787416fab7669f80e9389fd6ac797214f1a3721e290715305a1bcc6f01ee7805",
            "7e83c1dd87a7623b36307d85c938c47dee3ab6716e8121f308657c1b25b74266f4a2e9181114e683ca37d1983a033da8f324ec03ccf59d4fcf7b7c375b63420c",
    };
    /** Event v4 as Json.MAPPER writes it (field order of the record). */
    public static final String EVENT_V4_JSON = "{\"mesh\":\"m_0011223344556677\",\"version\":4,\"prev\":\"d37160fafdd1e8cb9ec432a0abd303fd3bc4ca1f1630629ba3f88609af52e05c\",\"kind\":\"member_revoked\",\"at\":1767225603000,\"actor\":\"79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664\",\"data\":{\"pubkey\":\"cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa\",\"reason\":\"lost laptop\"},\"signature\":\"7e83c1dd87a7623b36307d85c938c47dee3ab6716e8121f308657c1b25b74266f4a2e9181114e683ca37d1983a033da8f324ec03ccf59d4fcf7b7c375b63420c\"}";

    public static final long SNAPSHOT_AT = EVENT_T0 + 4000;
    public static final String SNAPSHOT_BODY = "{\"members\":[{\"by\":\"79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664\",\"joinedAt\":1767225601000,\"name\":\"alice\",\"pubkey\":\"79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664\",\"role\":\"owner\",\"since\":1767225601000,\"status\":\"active\"},{\"by\":\"79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664\",\"joinedAt\":1767225602000,\"name\":\"bob\",\"pubkey\":\"cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa\",\"reason\":\"lost laptop\",\"role\":\"member\",\"since\":1767225603000,\"status\":\"revoked\"}],\"name\":\"team\"}";
    public static final String SNAPSHOT_BODY_HASH = "7f7452205281fd096cc958ad8d63ca57626dad4542334cb8da318c356789fd10";
    public static final String SNAPSHOT_CANONICAL = "meshwire-mesh-snapshot|v1|m_0011223344556677|4|ad9545d7b8bf6c5791ed493c7623c7c5e872c2ade74f3239c3b942cc22d1d161|2543b92ff1095511476adc8369db6ddc933665a11978dda1404ee1066ca9559d|1767225604000|7f7452205281fd096cc958ad8d63ca57626dad4542334cb8da318c356789fd10";
    public static final String SNAPSHOT_SIG = "69180a2afb248a86c7c526fbe036244794fe2d98536c40deb2080f0e3b4ba98b4adc34b2d22f6f129d59412bdf7d0be1b092b97c9dd43c298e488d0b6df90c04";

    public static final String INVITE_ID = "00112233445566778899aabbccddeeff";
    public static final long INVITE_EXPIRES_AT = 1767830400000L;
    public static final String INVITE_V2_CANONICAL = "meshwire-invite|v2|m_0011223344556677|00112233445566778899aabbccddeeff|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664|1767830400000|1|2543b92ff1095511476adc8369db6ddc933665a11978dda1404ee1066ca9559d";
    public static final String INVITE_V2_SIG = "a730d37743c56c8723fdef10d0fe869092165de69ff878c177b21df30e8ca0654b113e6553378101df8ca2364e1b34733b88f22126fe5f9345f4d4eca2d47807";
    public static final String INVITE_V2_TEXT = "mw1.eyJ2IjoyLCJjb29yZGluYXRvciI6IndzOi8vMTI3LjAuMC4xOjc2MDAiLCJtZXNoIjoibV8wMDExMjIzMzQ0NTU2Njc3IiwibWVzaE5hbWUiOiJ0ZWFtIiwiaW52aXRlSWQiOiIwMDExMjIzMzQ0NTU2Njc3ODg5OWFhYmJjY2RkZWVmZiIsImlzc3VlciI6Ijc5YjU1NjJlOGZlNjU0Zjk0MDc4YjExMmU4YTk4YmE3OTAxZjg1M2FlNjk1YmVkN2UwZTM5MTBiYWQwNDk2NjQiLCJleHBpcmVzQXQiOjE3Njc4MzA0MDAwMDAsIm1heFVzZXMiOjEsInNpZ25hdHVyZSI6ImE3MzBkMzc3NDNjNTZjODcyM2ZkZWYxMGQwZmU4NjkwOTIxNjVkZTY5ZmY4NzhjMTc3YjIxZGYzMGU4Y2EwNjU0YjExM2U2NTUzMzc4MTAxZGY4Y2EyMzY0ZTFiMzQ3MzNiODhmMjIxMjZmZTVmOTM0NWY0ZDRlY2EyZDQ3ODA3IiwiYXV0aG9yaXR5IjoiMjU0M2I5MmZmMTA5NTUxMTQ3NmFkYzgzNjlkYjZkZGM5MzM2NjVhMTE5NzhkZGExNDA0ZWUxMDY2Y2E5NTU5ZCJ9";

    // ---- more signatures, X25519 keys, meta escaping (docs/test-vectors.md; asserted by ProtocolVectorsTest) ----

    /** Bob joins with the invite of {@link #INVITE_ID} as {@code bob} after the all-zero challenge nonce. */
    public static final String JOIN_CANONICAL = "meshwire-join|v1|00112233445566778899aabbccddeeff|m_0011223344556677|cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa|bob|0000000000000000000000000000000000000000000000000000000000000000";
    public static final String JOIN_SIG = "b98278d420b6b381fcfa912787faeec6af8477c0e7480ea9623e5c34c502e6cb3d3a95ecc729449aabc916dc39dbcb4c04a9a0c87bac8f26533610825ee7910f";
    public static final String INVITE_V1_CANONICAL = "meshwire-invite|v1|m_0011223344556677|00112233445566778899aabbccddeeff|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664|1767830400000|1";
    public static final String INVITE_V1_SIG = "1ffde1f811a7b0e44b935404fa7b8581b49558ca0b61fd6d4cfa5274477b195b3b5047e9e6a47e2a5c7ebff0d82def2832f91156d16af2d4aa625f1df32a6208";
    /** Alice creates mesh {@code team} as {@code alice} at {@link #EVENT_T0} (POST /v1/meshes). */
    public static final String MESH_CREATE_CANONICAL = "meshwire-mesh-create|v1|team|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664|alice|1767225600000";
    public static final String MESH_CREATE_SIG = "9fcca688674a73539bce902cdadd91145435db479a1d39337ad695aca6b22ae6830987ae09f62d6ca4cfa24000a466b0d196e42155f868c885ce16ec95651708";
    /** Alice's offer to bob in session {@link #INVITE_ID}'s hex (any 32 hex), over {@link #SDP}. */
    public static final String SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n";
    public static final String SDP_SESSION = "00112233445566778899aabbccddeeff";
    public static final String SDP_CANONICAL = "meshwire-p2p-sdp|v1|m_0011223344556677|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664|cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa|00112233445566778899aabbccddeeff|offer|452f447217c0ad85901017fc94c8081edc152128cdf67b942af4d89bdb65fafd";
    public static final String SDP_SIG = "983d872bc84973c7bdf925e3d946f8ec75845a54c315125e03023a4ab8f3beda895c2f3ea44b83e8c268e7c9d0103f0a5c39524b6226500b0bfaddf5e39ed409";
    public static final String ALICE_X25519_PUB = "4a3807d064d077181cc070989e76891d20dca5559548dc2c77c1a50273882b38";
    public static final String ALICE_X25519_SEC = "70788f1a0cea001a2631dae5d05dbd062008d5b30f50b9e29beb2a7822289044";
    public static final String BOB_X25519_PUB = "3de70cb2b9bb0bda3873d13e8a7cf4ea870dabeb296caa1dfce0a5f411c8d234";
    public static final String BOB_X25519_SEC = "c09c1cd72097760101ae219a64a71cd7d7af5146e44e427c6692245783e5f27a";
    /** X25519(alice secret, bob public), cross-checked with Python's cryptography package. */
    public static final String X25519_SHARED = "218f0e53208ca73808c46be7ac15abeba7474228cb5878eee50aaf0b59aa6162";
    /** crypto_box_beforenm(bob public, alice secret): HSalsa20 of the shared secret, the key crypto_box uses. */
    public static final String BOX_BEFORENM = "ca93db0f0b79d3494aa5bb468bc487ba45a4ab832872f37035b1b3e11b66a13b";
    /** The canonical meta of the escaping vector, and the envelope (the box vector's body) signed with it. */
    public static final String ESCAPED_META_CANONICAL = "{\"clientMessageId\":\"cmid-0002\",\"createdAt\":1767225600000,\"mentions\":[\"quote\\\"back\\\\slash\",\"tab\\tnl\\ncr\\r\",\"ctl\\u0001\\u001f\",\"é 😀\"],\"priority\":\"low\",\"replyToId\":\"cmid-\\\"0001\\\"\",\"timeoutMs\":30000}";
    public static final String ESCAPED_ENVELOPE_CANONICAL = "meshwire-envelope|v2|dm|cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664|AAECAwQFBgcICQoLDA0ODxAREhMUFRYX|14a077467050c0e0c94fcaa57618e48dc72ecda00fdac995e7a876b0a84b7fab|1|{\"clientMessageId\":\"cmid-0002\",\"createdAt\":1767225600000,\"mentions\":[\"quote\\\"back\\\\slash\",\"tab\\tnl\\ncr\\r\",\"ctl\\u0001\\u001f\",\"é 😀\"],\"priority\":\"low\",\"replyToId\":\"cmid-\\\"0001\\\"\",\"timeoutMs\":30000}";
    public static final String ESCAPED_ENVELOPE_SIG = "ab84dbe498607588d45b5179832c58394c3bec104714a0a16451d3991ac63645b8f7c28484734c2588e39bd14581d20b68566e405b61b95708a6cfb51660f10f";

    /** Seed bytes 0x01..0x20. */
    // ---- sessions (docs/test-vectors.md "Session attestation", "Session hello") ----

    /** The session key of the session vectors: seed c0 c1 … df. */
    public static final String SESSION_PUB = "dde3bccec7f3a66a1115f45d720f4dc135c3ae7c4e22dca38fdb1efd6a495ff8";
    /** Alice vouches for the session for 12 h from {@link #EVENT_T0}. */
    public static final long SESSION_EXPIRES_AT = EVENT_T0 + 12L * 3600 * 1000;
    public static final String SESSION_ATTEST_CANONICAL = "meshwire-session-attest|" + ALICE_PUB + "|" + SESSION_PUB + "|1767268800000";
    public static final String SESSION_ATTEST_SIG = "1b71b26a47cb0355dbb7c92418025d3369d4c89adceb992a608a1584586b05f26670a242cb7d1d404070616418fae3f18a457181266e8cd421e81a175c64f603";
    public static final String SESSION_ATTEST_CAPS_CANONICAL = SESSION_ATTEST_CANONICAL + "|broadcast,dm";
    public static final String SESSION_ATTEST_CAPS_SIG = "c905298cff9b1eadc03ddacd5a279b37e00c6ae387ae58c504db510585ea2ffcea33430f8e40b2edacc1f3cc9fe73212b303fdc56453b109c8877e91ab9c0902";
    public static final String SESSION_HELLO_CANONICAL = "meshwire-session-hello|v1|" + MESH + "|" + ALICE_PUB + "|" + SESSION_PUB + "|1767225600000|" + NONCE_ZERO;
    public static final String SESSION_HELLO_SIG = "4b4e47a2bcf954477fe67570f70d8d30590fac203a3c188d05b5b39813236f8f6158b5664c4c601205afc55cfc215715048afcf70bfda7a2555dca3c80c81701";

    /** The session identity of the session vectors. */
    public static Identity session() {
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) seed[i] = (byte) (0xc0 + i);
        return Identity.fromSeed(seed);
    }

    public static Identity alice() {
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) seed[i] = (byte) (i + 1);
        return Identity.fromSeed(seed);
    }

    /** Seed bytes 0x80..0x9f. */
    public static Identity bob() {
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) seed[i] = (byte) (0x80 + i);
        return Identity.fromSeed(seed);
    }

    /** A coordinator's presence resume key of the vectors: seed bytes 0xc0..0xdf. */
    public static Identity resumeKey() {
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) seed[i] = (byte) (0xc0 + i);
        return Identity.fromSeed(seed);
    }

    public static final String RESUME_KEY_PUB = "dde3bccec7f3a66a1115f45d720f4dc135c3ae7c4e22dca38fdb1efd6a495ff8";
    public static final long RESUME_IAT = 1767225600000L;
    public static final long RESUME_EXP = 1767312000000L;
    public static final String RESUME_CANONICAL = "meshwire-resume|v1|m_0011223344556677|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664|1767225600000|1767312000000";
    public static final String RESUME_SIG = "bb594f515c6210610d2d9a06bcc5e0734dd3d8849ca00c34de8ece034b9d3129701275078ac03f11cddb6cb8e3b8ab49e8c7498b588f3a9f9555fb2b067cad03";
    public static final String RESUME_TOKEN = RESUME_CANONICAL + "|" + RESUME_SIG;

    /** The mesh authority of the vectors: seed bytes 0x40..0x5f. */
    public static Identity authority() {
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) seed[i] = (byte) (0x40 + i);
        return Identity.fromSeed(seed);
    }
}
