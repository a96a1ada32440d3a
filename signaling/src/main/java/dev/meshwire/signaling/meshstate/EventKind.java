package dev.meshwire.signaling.meshstate;

/** The {@code kind} strings of mesh events (docs/protocol.md §6, "Mesh state"). */
public final class EventKind {
    private EventKind() {}

    public static final String MESH_CREATED = "mesh_created";
    public static final String MEMBER_JOINED = "member_joined";
    public static final String MEMBER_LEFT = "member_left";
    public static final String MEMBER_RENAMED = "member_renamed";
    public static final String MEMBER_KICKED = "member_kicked";
    public static final String MEMBER_BANNED = "member_banned";
    public static final String MEMBER_UNBANNED = "member_unbanned";
    public static final String MEMBER_REVOKED = "member_revoked";
    public static final String ROLE_CHANGED = "role_changed";
    public static final String EXPIRY_SET = "expiry_set";
    public static final String AUTHORITY_ROTATED = "authority_rotated";

    // ---- grants and services (issue #12; docs/protocol.md §6.3, §6.4) ----
    /** A recipient member sets (or clears) what one sender, or {@code *}, may do to it. Actor: the recipient. */
    public static final String GRANT_SET = "grant_set";
    /** A member records a service attestation it signed. Actor: the owner. Revocation is {@code member_revoked} of the service key. */
    public static final String SERVICE_REGISTERED = "service_registered";

    // ---- groups (issue #13; docs/protocol.md §12.1) ----
    /** A named group ({@code @name}) is created, empty. Actor: any active member (it becomes the group's creator). */
    public static final String GROUP_CREATED = "group_created";
    /** A member is put in a group with a role, or taken out of it ({@code role} null). Actor: see §12.1. */
    public static final String GROUP_MEMBER_SET = "group_member_set";
    /** A group is deleted. Actor: its creator, or the mesh owner or an admin. */
    public static final String GROUP_DELETED = "group_deleted";
    // ---- topics (issue #13; docs/protocol.md §12.2). Actor: the member itself, never the coordinator ----
    /** A member creates a topic: epoch 1, its own seal of the key it generated. */
    public static final String TOPIC_CREATED = "topic_created";
    /** A member joins a topic (itself); it waits for a seal. */
    public static final String TOPIC_JOINED = "topic_joined";
    /** A member leaves a topic (itself), or the mesh owner or an admin removes it: the topic needs a re-key. */
    public static final String TOPIC_LEFT = "topic_left";
    /** A member holding the current key seals it for a member waiting for one (member-driven re-seal). */
    public static final String TOPIC_KEY_SEALED = "topic_key_sealed";
    /** A member replaces the key: epoch + 1, seals for the remaining members (first one wins). */
    public static final String TOPIC_KEY_ROTATED = "topic_key_rotated";
}
