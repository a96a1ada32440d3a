package dev.meshwire.livekit.cli;

import dev.meshwire.livekit.ops.MetricsEndpoint;
import dev.meshwire.peer.ipc.api.SidecarReport;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine;

/** {@code --metrics HOST:PORT} with {@code --metrics-token-file}: checked before anything starts. */
record MetricsOption(String host, int port, String token) {
    static final int MIN_TOKEN = 16;

    /** Null without {@code --metrics}; a usage error for a bad address, a missing or short token. */
    static MetricsOption parse(CommandLine cl, String at, Path tokenFile) {
        if (at == null) {
            if (tokenFile != null) throw new CommandLine.ParameterException(cl, "--metrics-token-file needs --metrics HOST:PORT");
            return null;
        }
        int colon = at.lastIndexOf(':');
        int port;
        try {
            port = colon < 1 ? -1 : Integer.parseInt(at.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) throw new CommandLine.ParameterException(cl, "--metrics must be HOST:PORT, e.g. 127.0.0.1:9464 (got '" + at + "')");
        if (tokenFile == null) throw new CommandLine.ParameterException(cl, "--metrics needs --metrics-token-file (scrapes must send its token)");
        String token;
        try {
            token = Files.readString(tokenFile).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the metrics token file " + tokenFile + ": " + e.getMessage());
        }
        if (token.length() < MIN_TOKEN) throw new IllegalArgumentException("the metrics token in " + tokenFile + " must be at least " + MIN_TOKEN + " characters");
        String host = at.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return new MetricsOption(host, port, token);
    }

    MetricsEndpoint start(Supplier<SidecarReport> report, Tags tags) throws IOException {
        return new MetricsEndpoint(new InetSocketAddress(host, port), token, report, tags);
    }
}
