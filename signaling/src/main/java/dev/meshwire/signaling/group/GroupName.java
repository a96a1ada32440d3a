package dev.meshwire.signaling.group;

import java.util.regex.Pattern;

/**
 * Group names and roles (docs/protocol.md §12.1). A group is addressed as {@code @name}; the name itself is
 * {@code [a-z0-9][a-z0-9_-]{0,31}}. {@code all} is reserved: {@code @all} means every active member and no event may
 * define it. A role inside a group is {@code [a-z][a-z0-9_-]{0,31}} (default {@link #DEFAULT_ROLE}).
 */
public final class GroupName {
    private GroupName() {}

    /** The reserved name: {@code @all} is every active member of the mesh. */
    public static final String ALL = "all";
    /** The role given when the adder names none. */
    public static final String DEFAULT_ROLE = "member";
    public static final int MAX_LENGTH = 32;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    /** Null when {@code name} (without {@code @}) may name a group that events define; else why not. */
    public static String problem(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return "group name must be 1-32 characters of a-z, 0-9, '_' and '-', starting with a letter or digit";
        }
        if (ALL.equals(name)) return "'all' is reserved (@all is every member of the mesh)";
        return null;
    }

    /** Null when {@code role} is a valid group role; else why not. */
    public static String roleProblem(String role) {
        if (role != null && ROLE.matcher(role).matches()) return null;
        return "group role must be 1-32 characters of a-z, 0-9, '_' and '-', starting with a letter";
    }

    /** True for an address of the form {@code @name} (a syntactically valid name, {@code @all} included). */
    public static boolean isAddress(String target) {
        return target != null && target.length() > 1 && target.charAt(0) == '@' && NAME.matcher(target.substring(1)).matches();
    }

    /** The name of an {@code @name} address; null when {@code target} is not one. */
    public static String fromAddress(String target) {
        return isAddress(target) ? target.substring(1) : null;
    }
}
