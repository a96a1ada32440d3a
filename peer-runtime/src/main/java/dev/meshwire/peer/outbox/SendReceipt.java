package dev.meshwire.peer.outbox;

import java.util.List;

/**
 * The outcome of an accepted send: one entry per recipient (one for a DM, one per online member for
 * {@code *}). The issue-3 durable outbox will return the same shape with status {@code queued}.
 */
public record SendReceipt(String mesh, String clientMessageId, String channel, List<Recipient> recipients) {
    /**
     * @param status  {@code relayed} (the coordinator pushed it to the recipient) or the refusal code
     * @param error   null on success, else a one-line reason (only in fan-out, where others succeeded)
     */
    public record Recipient(String pubkey, String name, String messageId, String status, String path, String error) {}
}
