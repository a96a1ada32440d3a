package dev.meshwire.coordinator.store;

import java.util.List;

/**
 * One versioned schema step. Steps are applied in order, each in its own transaction, and recorded
 * in {@code schema_version}; a released step is never edited, only followed by a new one.
 */
public record Migration(int version, String description, List<String> statements) {

    /** The coordinator schema, oldest first. The SQL is portable between SQLite and PostgreSQL. */
    public static final List<Migration> ALL = List.of(
            new Migration(1, "meshes, members, bans, invite uses", List.of(
                    """
                    CREATE TABLE meshes (
                      id           TEXT PRIMARY KEY,
                      name         TEXT NOT NULL UNIQUE,
                      owner_pubkey TEXT NOT NULL,
                      created_at   BIGINT NOT NULL
                    )""",
                    """
                    CREATE TABLE members (
                      mesh_id   TEXT NOT NULL REFERENCES meshes(id),
                      pubkey    TEXT NOT NULL,
                      name      TEXT NOT NULL,
                      role      TEXT NOT NULL,
                      joined_at BIGINT NOT NULL,
                      PRIMARY KEY (mesh_id, pubkey),
                      UNIQUE (mesh_id, name)
                    )""",
                    """
                    CREATE TABLE bans (
                      mesh_id   TEXT NOT NULL REFERENCES meshes(id),
                      pubkey    TEXT NOT NULL,
                      name      TEXT,
                      banned_at BIGINT NOT NULL,
                      banned_by TEXT NOT NULL,
                      PRIMARY KEY (mesh_id, pubkey)
                    )""",
                    """
                    CREATE TABLE invite_uses (
                      mesh_id   TEXT NOT NULL REFERENCES meshes(id),
                      invite_id TEXT NOT NULL,
                      uses      INTEGER NOT NULL,
                      PRIMARY KEY (mesh_id, invite_id)
                    )""")));

    public static int latestVersion() {
        return ALL.get(ALL.size() - 1).version();
    }
}
