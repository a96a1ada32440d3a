package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * One grant: {@code recipient} lets {@code sender} (absent when {@code everyone}: the {@code *} grant, for every
 * sender without an own one) do {@code caps} (empty: blocked), set at {@code at} (epoch ms).
 */
public record GrantItem(PeerRef recipient, PeerRef sender, boolean everyone, List<String> caps, long at) {}
