package dev.meshwire.nattest;

import static org.junit.jupiter.api.Assertions.fail;

import dev.meshwire.nattest.topology.Preflight;

/**
 * Gate for tests that build real namespaces: they run when the preflight passes (root, netns, nftables). When it
 * does not, they are skipped with the preflight's one-line reason -- or fail if {@code -Dnattest.required=true} or
 * the environment has {@code CI=true} (CI runs as root with nftables installed by .ci/run, so a skip there would
 * hide a broken harness).
 */
final class NamespaceSupport {
    private static Preflight.Result cached;

    private NamespaceSupport() {}

    static synchronized void require() {
        if (cached == null) cached = Preflight.check();
        if (cached.ok()) return;
        if (Boolean.getBoolean("nattest.required") || "true".equals(System.getenv("CI"))) fail(cached.message());
        org.junit.jupiter.api.Assumptions.abort(cached.message());
    }
}
