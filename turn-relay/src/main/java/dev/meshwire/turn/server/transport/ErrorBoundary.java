package dev.meshwire.turn.server.transport;

import dev.meshwire.turn.server.metrics.TurnMeters;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies an exception that reached the end of a pipeline: a client's broken stream framing or TLS handshake is
 * a refusal, a socket error is the network's business, anything else is an internal error, counted and logged in
 * one line once per exception class (a flood of one bug must not flood the log).
 */
public final class ErrorBoundary {
    private static final Logger LOG = LoggerFactory.getLogger("dev.meshwire.turn");
    private final TurnMeters meters;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    /** What the pipeline should do with the connection. */
    public enum Kind { MALFORMED, TLS, NETWORK, INTERNAL }

    public ErrorBoundary(TurnMeters meters) {
        this.meters = meters;
    }

    public Kind caught(String where, Throwable t) {
        Throwable cause = t instanceof DecoderException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof StreamFramer.MalformedStreamException) {
            meters.refused("malformed");
            return Kind.MALFORMED;
        }
        if (cause instanceof SSLException) {
            LOG.debug("TURN TLS failure in {}: {}", where, cause.toString());
            meters.refused("tls");
            return Kind.TLS;
        }
        if (cause instanceof IOException) return Kind.NETWORK;
        meters.internalError();
        if (logged.add(cause.getClass().getName())) {
            StackTraceElement top = cause.getStackTrace().length > 0 ? cause.getStackTrace()[0] : null;
            LOG.warn("TURN internal error in {}: {} at {} (further ones of this kind are only counted)", where, cause, top);
        }
        return Kind.INTERNAL;
    }
}
