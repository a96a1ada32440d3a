package dev.meshwire.turn.server;

import dev.meshwire.turn.TurnConfig;
import dev.meshwire.turn.TurnServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;

/** Placeholder so the API compiles while the server is written; replaced by the real implementation. */
public final class NettyTurnServer {
    private NettyTurnServer() {}

    public static TurnServer start(TurnConfig config, MeterRegistry registry) throws IOException {
        throw new IOException("the TURN server is not built yet");
    }
}
