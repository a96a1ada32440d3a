package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * One topic of the verified mesh state as {@code GET /v1/topics} lists it: {@code topic} ({@code #name}), its creator,
 * key {@code epoch}, whether you are a member and hold the current key ({@code hasKey}), its members, those waiting for
 * a seal ({@code pending}), and whether it waits for a re-key ({@code rekeyNeeded}).
 */
public record TopicItem(String topic, PeerRef createdBy, long createdAt, long epoch, boolean member, boolean hasKey,
                        List<PeerRef> members, List<PeerRef> pending, boolean rekeyNeeded) {}
