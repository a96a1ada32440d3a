package dev.meshwire.nattest.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks that this process can build namespace topologies: Linux, root, {@code ip netns}, {@code nft} with a
 * working nf_tables NAT inside a namespace. Each failure has its own exit code and one line of explanation.
 */
public final class Preflight {
    public static final int EXIT_NOT_LINUX = 10;
    public static final int EXIT_NOT_ROOT = 11;
    public static final int EXIT_NO_IP = 12;
    public static final int EXIT_NO_NETNS = 13;
    public static final int EXIT_NO_NFT = 14;

    /** {@code exitCode == 0} means ready; otherwise {@code message} is the one line to print. */
    public record Result(int exitCode, String message) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private Preflight() {}

    public static Result check() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return new Result(EXIT_NOT_LINUX, "nat-test: refusing to run: network namespaces need Linux (this is "
                    + System.getProperty("os.name") + ")");
        }
        long uid = uid();
        if (uid != 0) {
            return new Result(EXIT_NOT_ROOT, "nat-test: refusing to run: needs root to create network namespaces (uid "
                    + uid + "); run with sudo or as root");
        }
        if (!Cmd.run(List.of("ip", "-V")).ok()) {
            return new Result(EXIT_NO_IP, "nat-test: refusing to run: the 'ip' command (iproute2) is missing");
        }
        String ns = Topology.PREFIX + ProcessHandle.current().pid() + "-preflight";
        try {
            Cmd.Result add = Cmd.run(List.of("ip", "netns", "add", ns));
            if (!add.ok()) {
                return new Result(EXIT_NO_NETNS, "nat-test: refusing to run: cannot create a network namespace: "
                        + add.output().strip().replace('\n', ' '));
            }
            Cmd.Result nft = Cmd.run(List.of("ip", "netns", "exec", ns, "nft", "-f", "-"),
                    "table ip t {\n  chain p {\n    type nat hook postrouting priority srcnat;\n    masquerade fully-random\n  }\n}\n",
                    Cmd.DEFAULT_TIMEOUT);
            if (!nft.ok()) {
                return new Result(EXIT_NO_NFT, "nat-test: refusing to run: nftables NAT does not work in a namespace ("
                        + (nft.exit() == 127 || nft.output().contains("No such file")
                        ? "nft missing: apt-get install -y --no-install-recommends nftables"
                        : nft.output().strip().replace('\n', ' ')) + ")");
            }
            return new Result(0, "ok");
        } finally {
            Cmd.run(List.of("ip", "netns", "del", ns));
        }
    }

    static long uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }
}
