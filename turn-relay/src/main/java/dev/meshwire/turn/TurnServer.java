package dev.meshwire.turn;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;

/**
 * A running STUN/TURN server (RFC 8489 message format, RFC 8656 relaying) with TURN REST API credentials.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #start} returns only once every listener is bound: UDP and TCP on {@link #port()} (the same number, as
 *       coturn does), and TLS on {@link #tlsPort()} when configured. A bind failure is an {@link IOException} whose
 *       message names the address; nothing stays bound after a failed start.</li>
 *   <li>Binding requests are answered without credentials on every transport. Allocate, Refresh, CreatePermission and
 *       ChannelBind need the long-term credential of the REST scheme ({@link RestCredentials}); without a secret
 *       ({@link TurnConfig#stunOnly()}) they are refused with 403 and no relay port is ever opened.</li>
 *   <li>No input, however malformed, escapes as an exception to an I/O thread: it is dropped or answered with an error
 *       response and counted in {@link TurnStats#refusals()}; an unexpected failure is logged once per kind and counted
 *       in {@link TurnStats#internalErrors()}.</li>
 *   <li>{@link #close()} releases every allocation and relay port and closes every listener and TCP connection before
 *       it returns; it is idempotent.</li>
 * </ul>
 */
public interface TurnServer extends AutoCloseable {

    /**
     * Binds the listeners of {@code config} and starts serving.
     *
     * @param registry where the {@code meshwire_turn_*} meters go; null keeps them private to {@link #stats()}
     * @throws IOException if a listener cannot be bound or the TLS certificate cannot be read
     */
    static TurnServer start(TurnConfig config, MeterRegistry registry) throws IOException {
        return dev.meshwire.turn.server.NettyTurnServer.start(config, registry);
    }

    /** The UDP and TCP port (one number for both). */
    int port();

    /** The TLS port, or -1 when TLS is off. */
    int tlsPort();

    /** A consistent-enough snapshot of the counters, for logs, tests and benchmarks. */
    TurnStats stats();

    /** Releases every allocation and port; returns when all sockets are closed. Idempotent. */
    @Override
    void close();
}
