package dev.meshwire.peer.inbox;

import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.CryptoException;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.SenderKeyBody;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opens the body of a text message (dm or group) for the inbox: version 1 ({@code crypto_box} of the text) on both
 * channels, version 3 (sender keys, docs/protocol.md §12.1) on {@code group} only. The text must be valid UTF-8.
 */
final class TextBody {
    private TextBody() {}

    /** The result: the text, or why it cannot be read (then {@code text} is null). */
    record Opened(String text, String refusal) {}

    static Opened open(BoxCipher cipher, Envelope env) {
        int v = env.body().bodyVersion();
        boolean v3 = v == Body.SENDER_KEY_V3 && env.channel() == Channel.GROUP;
        if (v != Body.TEXT_V1 && !v3) {
            return new Opened(null, "body version " + v + " is not a text body on channel " + env.channel().wireName());
        }
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            PublicKey from = PublicKey.fromHex(env.from());
            byte[] nonce = b64.decode(env.body().nonce());
            byte[] ct = b64.decode(env.body().ciphertext());
            byte[] plain = v3 ? SenderKeyBody.open(cipher, from, nonce, ct) : cipher.open(from, nonce, ct);
            return new Opened(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain)).toString(), null);
        } catch (IllegalArgumentException | CryptoException | CharacterCodingException e) {
            return new Opened(null, "cannot decrypt: " + e.getMessage());
        }
    }
}
