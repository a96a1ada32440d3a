package dev.meshwire.signaling.crypto;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What sender keys (body v3, docs/protocol.md §12.1) save when sealing one group message for N recipients, against
 * one crypto_box of the whole content per recipient (body v1): median time to seal every copy, per content size and
 * group size, shared keys precomputed in both cases (as the daemon's BoxCipher caches them). Only the crypto; the
 * envelope's base64, signature and JSON per copy are the same in both. Prints a table and writes
 * {@code bench/results/group-seal-<date>.json}. Usage: {@code bench/group-seal-bench.sh}.
 */
public final class GroupSealBench {
    private GroupSealBench() {}

    public static void main(String[] args) throws Exception {
        int[] sizes = {1024, 64 * 1024, 1024 * 1024};
        int[] groups = {4, 16, 64};
        BoxCipher sender = new BoxCipher(Identity.generate());
        List<PublicKey> keys = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            PublicKey k = Identity.generate().publicKey();
            sender.seal(k, new byte[1]); // precompute the shared key, as a running daemon has
            keys.add(k);
        }
        StringBuilder json = new StringBuilder("{\"date\":\"" + LocalDate.now() + "\",\"cores\":" + Runtime.getRuntime().availableProcessors()
                + ",\"results\":[");
        System.out.printf(Locale.ROOT, "%10s %6s %14s %14s %8s%n", "bytes", "group", "v1 N×box ms", "v3 sender ms", "speedup");
        boolean first = true;
        for (int size : sizes) {
            byte[] content = new byte[size];
            Arrays.fill(content, (byte) 'x');
            for (int n : groups) {
                List<PublicKey> to = keys.subList(0, n);
                int reps = Math.max(5, (int) Math.min(200, 64L * 1024 * 1024 / ((long) size * n)));
                double v1 = median(reps, () -> {
                    for (PublicKey k : to) sender.seal(k, content);
                });
                double v3 = median(reps, () -> {
                    SenderKeyBody.Content c = SenderKeyBody.sealContent(content);
                    for (PublicKey k : to) SenderKeyBody.forRecipient(sender, k, c);
                });
                System.out.printf(Locale.ROOT, "%10d %6d %14.3f %14.3f %7.1fx%n", size, n, v1, v3, v1 / v3);
                json.append(first ? "" : ",").append(String.format(Locale.ROOT,
                        "{\"bytes\":%d,\"recipients\":%d,\"v1Ms\":%.4f,\"v3Ms\":%.4f}", size, n, v1, v3));
                first = false;
            }
        }
        json.append("]}\n");
        Path out = Path.of("bench", "results", "group-seal-" + LocalDate.now() + ".json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json.toString(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
    }

    /** Median wall time in ms of {@code reps} runs of {@code work}, after as many warm-up runs. */
    private static double median(int reps, Runnable work) {
        for (int i = 0; i < reps; i++) work.run();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            work.run();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }
}
