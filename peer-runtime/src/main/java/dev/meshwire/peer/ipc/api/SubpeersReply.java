package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * {@code POST /v1/services/{name}/subpeers}: the set the daemon holds for the service now and will publish again on
 * every new connection of the service ({@code names}, canonical order), the statement's {@code seq}, and whether the
 * coordinator accepted it already ({@code published}; false while the service's connection is down — it goes out when
 * the connection is back).
 */
public record SubpeersReply(String mesh, String service, String servicePubkey, long seq, List<String> names, boolean published,
                            String detail) {}
