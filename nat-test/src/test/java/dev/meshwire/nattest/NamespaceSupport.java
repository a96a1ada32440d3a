package dev.meshwire.nattest;

import static org.junit.jupiter.api.Assertions.fail;

import dev.meshwire.nattest.topology.Cmd;
import dev.meshwire.nattest.topology.Preflight;
import java.util.List;

/**
 * Gate for tests that build real namespaces: they run when the preflight passes (root, netns, nftables). When it
 * does not, or a program they need is missing, they are skipped with a one-line reason -- or fail if
 * {@code -Dnattest.required=true} or the environment has {@code CI=true} (CI runs as root with nftables and coturn
 * installed by .ci/run, so a skip there would hide a broken harness).
 */
final class NamespaceSupport {
    private static Preflight.Result cached;

    private NamespaceSupport() {}

    static synchronized void require() {
        if (cached == null) cached = Preflight.check();
        if (cached.ok()) return;
        refuse(cached.message());
    }

    /** The same gate for an external program a test needs (e.g. coturn's {@code turnserver}). */
    static void requireCommand(String command, String install) {
        if (Cmd.run(List.of("sh", "-c", "command -v " + command)).ok()) return;
        refuse("nat-test: " + command + " missing (" + install + ")");
    }

    private static void refuse(String reason) {
        if (Boolean.getBoolean("nattest.required") || "true".equals(System.getenv("CI"))) fail(reason);
        org.junit.jupiter.api.Assumptions.abort(reason);
    }
}
