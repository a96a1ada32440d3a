/**
 * The TURN server behind {@link dev.meshwire.turn.TurnServer} (RFC 8656 over the RFC 8489 format).
 *
 * <p>Threading: one single-threaded NIO event loop ({@link dev.meshwire.turn.server.NettyTurnServer}) owns every
 * channel (UDP listener, TCP/TLS listener and connections, one UDP socket per allocation) and all state, so nothing
 * is locked and the hot path allocates little.
 *
 * <p>Layout:
 * <ul>
 *   <li>{@code transport}: Netty pipelines. TCP framing ({@code StreamFramer}), client links (UDP source address or
 *       TCP connection), writes batched and flushed once per event-loop round ({@code FlushBatch}), the
 *       exception boundary.</li>
 *   <li>{@code handler}: the {@code Dispatcher} (ChannelData by hand, STUN decoded with ice4j), one handler per method,
 *       the {@code Relay} data path.</li>
 *   <li>{@code alloc}: allocations, permissions, channels, relay port range, bandwidth buckets, expiry.</li>
 *   <li>{@code auth}: REST long-term credentials, stateless nonces, the per-username key cache.</li>
 *   <li>{@code stun}: what ice4j lacks without a StunStack (MESSAGE-INTEGRITY, FINGERPRINT) or decodes by an old
 *       draft (EVEN-PORT, REQUESTED-ADDRESS-FAMILY); response building.</li>
 *   <li>{@code metrics}: the {@code meshwire_turn_*} meters and {@link dev.meshwire.turn.TurnStats}.</li>
 * </ul>
 *
 * <p>Deliberate deviations, after coturn: channel numbers 0x4000-0x7FFF are accepted (RFC 5766's range, which
 * coturn's own client uses; RFC 8656 narrows it to 0x4FFF). Datagrams over 16 KiB are read truncated.
 */
package dev.meshwire.turn.server;
