package dev.meshwire.peer.outbox;

import dev.meshwire.peer.inbox.Inbox;
import dev.meshwire.peer.inbox.InboxMessage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemons' SQLite work per message on the user path, alone and in one thread's CPU time (less sensitive to other
 * processes than wall time, though not immune: ±6 µs between runs of one build on a loaded VM): the sending daemon's outbox (accept in batches of 100, the drain's claim of up to 256 and its
 * grouped done) and the receiving daemon's inbox (group-committed inserts), on real files, 1 KiB bodies and ~1.6 KB
 * envelopes (a little under the daemon bench's ~1.9 KB). Not a test: {@code java -cp <test classes:classes:deps>
 * dev.meshwire.peer.outbox.OutboxPathBench [messages=100000] [rounds=5]}; prints µs of CPU per message per part.
 * Uses only the store's public API, so the same class runs against another build's classes (a same-run baseline).
 */
public final class OutboxPathBench {
    private static final String MESH = "m_0123456789abcdef";
    private static final String BOB = "b0".repeat(32);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String envelope = "{\"v\":2,\"ciphertext\":\"" + "A".repeat(1_400) + "\",\"sig\":\"" + "f".repeat(128) + "\"}";
        String body = "x".repeat(1_024);
        for (int round = 0; round <= rounds; round++) {
            Path dir = Files.createTempDirectory("outbox-bench");
            long accept = 0, claim = 0, done = 0, inbox = 0;
            try (OutboxStore s = new OutboxStore(dir.resolve("outbox.db")); Inbox in = new Inbox(dir.resolve("inbox.db"))) {
                int next = 0;
                while (next < messages) {
                    List<OutboxStore.NewRequest> batch = new ArrayList<>(100);
                    for (int i = 0; i < 100 && next < messages; i++, next++) {
                        String id = "r" + round + "-" + next;
                        batch.add(new OutboxStore.NewRequest(id, MESH, "team", "dm", BOB, "dm", "next", null, null, "d".repeat(64),
                                List.of(new OutboxStore.NewCopy(BOB, "bob", envelope)), null));
                    }
                    long t0 = CPU.getCurrentThreadCpuTime();
                    s.accept(batch, 1_000);
                    long t1 = CPU.getCurrentThreadCpuTime();
                    accept += t1 - t0;
                    if (next % 300 == 0 || next >= messages) {
                        // The drain's pace: a claim of up to its window, then every answer in one grouped done.
                        while (true) {
                            long c0 = CPU.getCurrentThreadCpuTime();
                            List<OutboxStore.Copy> claimed = s.claimDue(MESH, 1_500, 256);
                            claim += CPU.getCurrentThreadCpuTime() - c0;
                            if (claimed.isEmpty()) break;
                            List<OutboxStore.Done> ok = new ArrayList<>(claimed.size());
                            List<InboxMessage> rows = new ArrayList<>(claimed.size());
                            for (OutboxStore.Copy c : claimed) {
                                ok.add(new OutboxStore.Done(c.outboxId(), c.recipientPubkey(), "p2p:" + c.outboxId(), "delivered"));
                                rows.add(new InboxMessage(0, MESH, "team", BOB, "alice", c.clientMessageId(), "p2p:" + c.outboxId(),
                                        "dm", "next", body, "direct", 1_000L, 2_000, null, null, null, null, List.of()));
                            }
                            long d0 = CPU.getCurrentThreadCpuTime();
                            s.markDone(ok, 2_000);
                            long d1 = CPU.getCurrentThreadCpuTime();
                            in.insertAll(rows);
                            long d2 = CPU.getCurrentThreadCpuTime();
                            done += d1 - d0;
                            inbox += d2 - d1;
                        }
                    }
                }
                if (s.counts().get("done") != messages) throw new IllegalStateException("not all done: " + s.counts());
            } finally {
                // ~110 MB per round: left behind, a few runs filled the disk and SQLite failed with SQLITE_FULL.
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
            if (round == 0) continue; // warm-up
            System.out.printf("round %d: accept %.1f  claim %.1f  done %.1f  inbox %.1f  total %.1f µs CPU per message%n", round,
                    accept / 1e3 / messages, claim / 1e3 / messages, done / 1e3 / messages, inbox / 1e3 / messages,
                    (accept + claim + done + inbox) / 1e3 / messages);
        }
    }
}
