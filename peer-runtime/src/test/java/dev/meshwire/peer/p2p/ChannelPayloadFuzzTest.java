package dev.meshwire.peer.p2p;

import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.SealedEnvelopes;
import dev.meshwire.signaling.fuzz.Fuzz;
import dev.meshwire.signaling.fuzz.Mutator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a reassembled direct-channel message, as the daemon reads it (MeshDirect): a ping or heartbeat
 * is recognized, anything not starting with '{' is dropped, an envelope is decoded by
 * {@link ChannelPayload#decodeEnvelope} — which refuses with its documented IOException only — and its
 * signature checked. Seeds are real sealed envelopes, pings and heartbeats.
 */
class ChannelPayloadFuzzTest {
    @Test
    void messagesMutatedAreRecognizedDecodedOrRefused() {
        List<String> envelopes = SealedEnvelopes.SEEDS;
        Mutator json = Mutator.json(envelopes);
        List<byte[]> raw = new ArrayList<>();
        for (String e : envelopes) raw.add(e.getBytes(StandardCharsets.UTF_8));
        raw.add(ChannelPayload.ping(42));
        raw.add(ChannelPayload.heartbeat(7));
        Fuzz.run("channel-payload", Fuzz.oneOf(json, r -> SealedEnvelopes.resigned(json, r), Mutator.binary(raw, 0, 1, 5)),
                ChannelPayloadFuzzTest::receive, Fuzz.Contract.refusing(IOException.class)).assertNoCrash().assertBothOutcomes();
    }

    static void receive(byte[] message) throws IOException {
        ChannelPayload.isHeartbeat(message);
        if (ChannelPayload.isPing(message) || !ChannelPayload.isEnvelope(message)) return;
        EnvelopeSignature.verify(ChannelPayload.decodeEnvelope(message));
    }
}
