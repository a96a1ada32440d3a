package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;

/**
 * A {@code HOST:PORT} flag value ({@code 0.0.0.0:7600}, {@code [::]:3478}); the host keeps no brackets.
 */
record HostPort(String host, int port) {

    /** @throws PeerException {@code bad_request} naming {@code flag} when {@code v} is not HOST:PORT with a port 0..65535 */
    static HostPort parse(String flag, String v) {
        int colon = v == null ? -1 : v.lastIndexOf(':');
        if (colon <= 0) throw new PeerException(PeerException.BAD_REQUEST, flag + " must be HOST:PORT (got '" + v + "')");
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new PeerException(PeerException.BAD_REQUEST, flag + " port is not a number: '" + v + "'");
        }
        if (port < 0 || port > 65535) throw new PeerException(PeerException.BAD_REQUEST, flag + " port must be 0..65535: '" + v + "'");
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return new HostPort(host, port);
    }

    /** {@code host:port}, with an IPv6 host in brackets. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
