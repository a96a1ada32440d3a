package dev.meshwire.coordinator.store;

import java.util.List;

/** Value types of the durable message queue ({@link CoordinatorStore#enqueue} and friends). */
public final class Queued {
    private Queued() {}

    /**
     * One envelope to store for {@code recipient}. {@code envelopeJson} is the sender's signed envelope as
     * JSON (ciphertext only: the coordinator never sees plaintext); {@code fingerprint} is the lowercase hex
     * sha256 of its canonical string. The dedupe key is (mesh, sender, recipient, clientMessageId).
     * {@code senderMember} and {@code recipientMember} are the members whose status (active, banned, revoked,
     * expired, not a member) decides the send: the key itself for a member, the parent member for a session
     * key (docs/protocol.md §5 "session_hello"). Rows are stored and delivered by {@code sender}/{@code recipient}.
     */
    public record Enqueue(String messageId, String meshId, String sender, String recipient, String clientMessageId,
                          String fingerprint, String priority, String envelopeJson, long createdAt, long expiresAt,
                          String senderMember, String recipientMember) {
        /** Between two members: each key is its own member. */
        public Enqueue(String messageId, String meshId, String sender, String recipient, String clientMessageId,
                       String fingerprint, String priority, String envelopeJson, long createdAt, long expiresAt) {
            this(messageId, meshId, sender, recipient, clientMessageId, fingerprint, priority, envelopeJson, createdAt, expiresAt,
                    sender, recipient);
        }

        public String key() {
            return meshId + '|' + sender + '|' + recipient + '|' + clientMessageId;
        }
    }

    /** What the store decided for one {@link Enqueue}, atomically with the insert. */
    public sealed interface Result {
        /** Committed as a new row. */
        record Accepted(String messageId) implements Result {}

        /** The key exists with the same fingerprint: {@code messageId} is the original acceptance. Nothing was inserted. */
        record Duplicate(String messageId) implements Result {}

        /** The key exists with a different fingerprint. Nothing was inserted. */
        record Conflict(String existingMessageId, String existingFingerprint) implements Result {}

        /** The recipient already has {@code limit} or more undelivered rows. */
        record QueueFull(long depth, long limit) implements Result {}

        /** The recipient is not a member of the mesh. */
        record UnknownRecipient() implements Result {}

        /** The recipient is banned from the mesh. */
        record RecipientBanned() implements Result {}

        /** The recipient's key was revoked. */
        record RecipientRevoked() implements Result {}

        /** The recipient's membership expired. */
        record RecipientExpired() implements Result {}

        /**
         * The sender is no longer an active member: {@code status} is {@code banned}, {@code revoked},
         * {@code expired} or {@code not_member}. Nothing was inserted.
         */
        record SenderInactive(String status) implements Result {}
    }

    /**
     * An existing acceptance found by its dedupe key: a queue row (full fingerprint) or, once acknowledged, the narrow
     * {@code message_dedupe} record, whose fingerprint is the 32-hex prefix ({@code truncated}).
     */
    public record Existing(String messageId, String fingerprint, boolean truncated) {
        public Existing(String messageId, String fingerprint) {
            this(messageId, fingerprint, false);
        }

        /** Whether a send with {@code fp} is the identical envelope (a duplicate) rather than a conflict. */
        public boolean sameContent(String fp) {
            return truncated ? fp.length() == 64 && fp.startsWith(fingerprint) : fingerprint.equals(fp);
        }

        public Result answer(String fp) {
            return sameContent(fp) ? new Result.Duplicate(messageId) : new Result.Conflict(messageId, fingerprint);
        }
    }

    /**
     * A claimed row, ready to push. {@code seq} is the row id (FIFO order); {@code attempts} counts claims
     * including this one (more than 1 means a redelivery). {@code senderMember} is the {@link Enqueue#senderMember}
     * recorded with the row: the member the sender key acted for when it was queued (its parent for a session key,
     * its owner for a service key), known even after that session disconnected.
     */
    public record Message(long seq, String messageId, String meshId, String sender, String senderMember, String recipient,
                          String clientMessageId, String envelopeJson, int attempts, long createdAt) {}

    /** A {@code client_ack} from the member {@code recipient} of {@code meshId} for {@code messageId}. */
    public record AckRef(String meshId, String recipient, String messageId) {}

    /**
     * One sweeper pass: undelivered rows past their expiry deleted, expired claims cleared, delivered rows
     * past the retention pruned, the queue depth (undelivered rows) afterwards, and who holds those rows:
     * {@code pending} lists each (mesh, recipient, claim id) that has undelivered rows, so the sweeper wakes only
     * the pumps that can claim something (docs/architecture.md "Durable queue").
     */
    public record SweepResult(int expired, int claimsReleased, int pruned, long depth, List<Pending> pending) {
        public SweepResult(int expired, int claimsReleased, int pruned, long depth) {
            this(expired, claimsReleased, pruned, depth, List.of());
        }
    }

    /**
     * Undelivered rows of {@code recipient} held under {@code claimId} after a sweep: null for rows nobody holds
     * (never claimed, released by the sweep, or inserted by another coordinator on the same database). A pump
     * can claim rows of its recipient held by nobody or under another claim id (an earlier connection); rows under
     * its own claim id it has pushed already and waits for their acks or their lease.
     */
    public record Pending(String meshId, String recipient, String claimId, long rows) {}

    /** A pump's claim ({@link CoordinatorStore#claim}'s arguments other than the time, which the group sets). */
    public record ClaimRequest(String meshId, String recipient, String claimId, long afterSeq, int limit, long leaseMs) {}

    /**
     * What the writer has pending at one moment, committed together ({@link CoordinatorStore#commitGroup}):
     * {@code enqueues} first (row order = list order), then {@code acks}, then {@code claims} — so a claim sees
     * the rows this group inserted, and an online recipient's rows are claimed by the same commit that stored them.
     */
    public record Group(List<Enqueue> enqueues, long maxQueuedPerRecipient, List<AckRef> acks, List<ClaimRequest> claims, long now) {}

    /** A committed {@link Group}: the enqueue results and the claimed rows in request order, and how many acks changed a row. */
    public record GroupResult(List<Result> enqueued, int delivered, List<List<Message>> claimed) {}

    /** Helper for tests and logs. */
    public static List<String> ids(List<Message> ms) {
        return ms.stream().map(Message::messageId).toList();
    }
}
