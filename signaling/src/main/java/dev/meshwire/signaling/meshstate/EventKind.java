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
}
