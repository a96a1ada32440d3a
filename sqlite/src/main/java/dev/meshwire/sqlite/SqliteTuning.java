package dev.meshwire.sqlite;

/**
 * The settings in which one user of {@link SqliteFiles} differs from another; every other pragma is the same for all
 * (see {@link SqliteFiles}).
 *
 * @param pageCacheBytes SQLite's page cache per connection ({@code PRAGMA cache_size}, applied in KiB): a multiple of
 *                       1,024, at least 1,024
 */
public record SqliteTuning(long pageCacheBytes) {
    /** SQLite's own page cache size ({@code cache_size=-2000}, 2,000 KiB), as it is when nothing sets one. */
    public static final long SQLITE_DEFAULT_PAGE_CACHE_BYTES = 2_000L * 1024;

    /** The daemon's databases (inbox, outbox, mesh state, ...): SQLite's default page cache. */
    public static final SqliteTuning DEFAULT = new SqliteTuning(SQLITE_DEFAULT_PAGE_CACHE_BYTES);

    /**
     * The coordinator's store: a 64 MiB page cache. A queue of 100,000 × 1.5 KiB rows is ~200 MB: the default 2 MiB
     * page cache made every claim and ack re-read its pages through read() calls. It does not change durability.
     */
    public static final SqliteTuning COORDINATOR = new SqliteTuning(64L * 1024 * 1024);

    public SqliteTuning {
        if (pageCacheBytes < 1024 || pageCacheBytes % 1024 != 0) {
            throw new IllegalArgumentException("pageCacheBytes must be a positive multiple of 1024: " + pageCacheBytes);
        }
    }

    /** The {@code PRAGMA cache_size} value: negative, so SQLite reads it as KiB rather than pages. */
    long cacheSizePragma() {
        return -(pageCacheBytes / 1024);
    }
}
