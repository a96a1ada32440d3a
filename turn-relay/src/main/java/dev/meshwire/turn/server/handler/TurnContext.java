package dev.meshwire.turn.server.handler;

import dev.meshwire.turn.PeerPolicy;
import dev.meshwire.turn.TurnConfig;
import dev.meshwire.turn.server.alloc.AllocationTable;
import dev.meshwire.turn.server.alloc.RelayPorts;
import dev.meshwire.turn.server.auth.Authenticator;
import dev.meshwire.turn.server.metrics.TurnMeters;
import dev.meshwire.turn.server.stun.Responses;
import java.net.InetAddress;

/**
 * What the method handlers share: the config, the tables and the meters, all confined to the one event loop.
 *
 * @param authenticator   null in STUN-only mode
 * @param fixedRelayHost  the relay bind address when the config fixes one, else null (chosen per client)
 * @param externalHost    the address advertised in XOR-RELAYED-ADDRESS instead of the bound one, or null
 */
public record TurnContext(TurnConfig config, TurnMeters meters, Responses responses, Authenticator authenticator,
                          AllocationTable table, RelayPorts ports, PeerPolicy policy, InetAddress fixedRelayHost,
                          InetAddress externalHost, Lifetimes lifetimes) {

    /** The config's lifetimes in nanoseconds, converted once. */
    public record Lifetimes(long allocationDefault, long allocationMax, long permission, long channel) {
        public static Lifetimes of(TurnConfig c) {
            return new Lifetimes(c.defaultAllocationLifetime().toNanos(), c.maxAllocationLifetime().toNanos(),
                    c.permissionLifetime().toNanos(), c.channelLifetime().toNanos());
        }
    }
}
