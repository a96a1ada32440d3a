package dev.meshwire.turn.fuzz;

import dev.meshwire.turn.fuzz.Outcomes.Refused;
import dev.meshwire.turn.fuzz.Outcomes.ServerFault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * One fuzzing thread's UDP client: its own socket (its own 5-tuple) to the server. Each input is sent as one
 * datagram and followed by a valid Binding request; the server answers datagrams of one 5-tuple in order, so the
 * Binding's answer means the input was handled, and anything answering the input's transaction id came first.
 *
 * <p>With {@code allocated}, the client holds an allocation (with a permission and channel {@link TurnCorpus#CHANNEL}
 * to the peer) before each input, re-creating it when a fuzzed Refresh deleted it, and signs each input again with its
 * own nonce and the credential's key: a mutated Refresh, CreatePermission or ChannelBind then passes the integrity
 * check and reaches the allocation logic behind it.
 */
final class UdpFuzzClient implements AutoCloseable {
    private static final int PROBE_TIMEOUT_MS = 2_000;
    private static final int PROBE_TRIES = 3;
    /** Refresh this often (the test's allocation lifetime is a few seconds longer). */
    private static final long REFRESH_NANOS = 2_000_000_000L;

    private final DatagramSocket socket;
    private final TurnCorpus corpus;
    private final boolean allocated;
    private final LongSupplier internalErrors;
    private final Random ids = new Random();
    private final byte[] buffer = new byte[65_536];
    private byte[] nonce;
    private boolean haveAllocation;
    private boolean checkAllocation;
    private long refreshedAt;

    UdpFuzzClient(InetSocketAddress server, TurnCorpus corpus, boolean allocated, LongSupplier internalErrors) {
        this.corpus = corpus;
        this.allocated = allocated;
        this.internalErrors = internalErrors;
        this.nonce = corpus.nonce();
        try {
            socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            socket.setReceiveBufferSize(1 << 20);
            socket.connect(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code input} (signed again first when this client is {@code allocated}), then a Binding; returns when the
     * input got a success answer.
     *
     * @throws Refused     the input got an error answer, or none
     * @throws ServerFault the Binding after it went unanswered, or the server's internal error count rose meanwhile
     */
    void fuzz(byte[] input) throws Exception {
        long errorsBefore = internalErrors.getAsLong();
        byte[] datagram = Arrays.copyOf(input, Math.min(input.length, 65_507));
        boolean signed = false;
        if (allocated) {
            maintainAllocation();
            // Half the STUN inputs (by a bit of their transaction id) get a header length that matches the datagram, so
            // mutated attributes are parsed rather than the whole message dropped for a length mismatch.
            if (datagram.length >= StunBytes.HEADER && (datagram[19] & 1) == 0 && (datagram[0] & 0xc0) == 0) {
                StunBytes.setLength(datagram, datagram.length - StunBytes.HEADER);
            }
            StunBytes.replaceNonce(datagram, nonce);
            signed = StunBytes.resign(datagram, corpus.key());
        }
        socket.send(new DatagramPacket(datagram, datagram.length));
        byte[] inputTid = StunBytes.looksLikeStun(datagram, 0, datagram.length) ? StunBytes.transactionId(datagram) : null;
        List<byte[]> answers = probe(inputTid);
        long errorsAfter = internalErrors.getAsLong();
        if (errorsAfter != errorsBefore) {
            throw new ServerFault("the server's internal error count rose from " + errorsBefore + " to " + errorsAfter);
        }
        int errors = 0;
        int successes = 0;
        for (byte[] a : answers) {
            int type = StunBytes.messageType(a);
            int cls = StunBytes.messageClass(type);
            if (cls == 3) {
                errors++;
                int code = StunBytes.errorCode(a);
                if (code == 437 || code == 438) checkAllocation = true;
            } else if (cls == 2) {
                successes++;
                int method = StunBytes.method(type);
                if (method == 3 || method == 4) checkAllocation = true; // a Refresh may have deleted it, an Allocate made one
            }
        }
        if (successes > 0) return;
        if (errors > 0) throw new Refused("error answer " + StunBytes.errorCode(answers.get(answers.size() - 1)));
        throw new Refused("no answer to " + kind(datagram, signed));
    }

    /** What a datagram is, for the refusal counts: why the server might rightly stay silent. */
    private static String kind(byte[] d, boolean signed) {
        if (d.length >= 4 && (d[0] & 0xc0) == 0x40) return "ChannelData";
        if (!StunBytes.looksLikeStun(d, 0, d.length)) return "non-STUN bytes";
        int cls = StunBytes.messageClass(StunBytes.messageType(d));
        String what = cls == 0 ? "a request" : cls == 1 ? "an indication" : "a response";
        if (StunBytes.u16(d, 2) != d.length - StunBytes.HEADER) return what + " with a wrong length";
        return what + (signed ? " (signed again)" : "");
    }

    /** A Binding after whatever was sent; returns the answers to {@code inputTid} that arrived before its own. */
    private List<byte[]> probe(byte[] inputTid) throws IOException, ServerFault {
        List<byte[]> answers = new ArrayList<>();
        for (int attempt = 0; attempt < PROBE_TRIES; attempt++) {
            byte[] tid = TurnCorpus.tid(ids);
            byte[] binding = TurnCorpus.binding(tid);
            socket.send(new DatagramPacket(binding, binding.length));
            long deadline = System.nanoTime() + PROBE_TIMEOUT_MS * 1_000_000L;
            while (System.nanoTime() < deadline) {
                byte[] m = receive(deadline);
                if (m == null) break;
                if (!StunBytes.looksLikeStun(m, 0, m.length)) continue; // ChannelData from the echoing peer
                byte[] t = StunBytes.transactionId(m);
                if (Arrays.equals(t, tid)) return answers;
                if (inputTid != null && Arrays.equals(t, inputTid)) answers.add(m);
            }
        }
        throw new ServerFault("no answer to a valid Binding within " + PROBE_TRIES + " x " + PROBE_TIMEOUT_MS + " ms after the input");
    }

    /** A request and its answer (other datagrams skipped); null when none came in time. */
    byte[] exchange(byte[] request) throws IOException {
        byte[] tid = StunBytes.transactionId(request);
        for (int attempt = 0; attempt < PROBE_TRIES; attempt++) {
            socket.send(new DatagramPacket(request, request.length));
            long deadline = System.nanoTime() + PROBE_TIMEOUT_MS * 1_000_000L;
            for (byte[] m; (m = receive(deadline)) != null; ) {
                if (StunBytes.looksLikeStun(m, 0, m.length) && Arrays.equals(StunBytes.transactionId(m), tid)) return m;
            }
        }
        return null;
    }

    private byte[] receive(long deadline) throws IOException {
        int ms = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        socket.setSoTimeout(ms);
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    /** Keeps an allocation with a permission and a channel to the peer; re-creates it when it is gone. */
    private void maintainAllocation() throws IOException, ServerFault {
        long now = System.nanoTime();
        if (haveAllocation && !checkAllocation && now - refreshedAt < REFRESH_NANOS) return;
        checkAllocation = false;
        if (haveAllocation) {
            byte[] answer = signedExchange(n -> corpus.refresh(TurnCorpus.tid(ids), n, 600));
            if (answer != null && StunBytes.messageClass(StunBytes.messageType(answer)) == 2) {
                refreshedAt = now;
                return;
            }
        }
        haveAllocation = false;
        byte[] answer = signedExchange(n -> corpus.allocate(TurnCorpus.tid(ids), n, -1));
        if (answer == null) throw new ServerFault("no answer to an authenticated Allocate");
        int code = StunBytes.messageClass(StunBytes.messageType(answer)) == 2 ? 200 : StunBytes.errorCode(answer);
        if (code != 200 && code != 437) return; // e.g. a quota: fuzz without an allocation this time, try again next input
        // 437: the 5-tuple still has one (an Allocate seed made it); either way there is an allocation to use
        signedExchange(n -> corpus.createPermission(TurnCorpus.tid(ids), n, corpus.peer()));
        signedExchange(n -> corpus.channelBind(TurnCorpus.tid(ids), n, TurnCorpus.CHANNEL, corpus.peer()));
        haveAllocation = true;
        refreshedAt = now;
    }

    private interface SignedRequest {
        byte[] with(byte[] nonce);
    }

    /** Sends a signed request; on 438 Stale Nonce (or a 401 carrying a new nonce) takes the new nonce and retries once. */
    private byte[] signedExchange(SignedRequest request) throws IOException {
        byte[] answer = exchange(request.with(nonce));
        if (answer == null || StunBytes.messageClass(StunBytes.messageType(answer)) != 3) return answer;
        int code = StunBytes.errorCode(answer);
        StunBytes.Attr n = StunBytes.find(answer, StunBytes.NONCE);
        if ((code == 438 || code == 401) && n != null && !Arrays.equals(n.value(answer), nonce)) {
            nonce = n.value(answer);
            return exchange(request.with(nonce));
        }
        return answer;
    }

    @Override
    public void close() {
        socket.close();
    }
}
