package dev.meshwire.turn.fuzz;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;

/**
 * Valid STUN/TURN messages for one long-term credential, built with ice4j's {@link MessageFactory} and signed by
 * {@link StunBytes#sign}: what the fuzz seeds start from and what the clients use to set up and keep their
 * allocation.
 *
 * @param username the TURN REST username ({@code expiry:user})
 * @param realm    the server's REALM
 * @param nonce    a NONCE the server issued (the seeds carry it; clients swap in their own)
 * @param key      MD5(username:realm:password)
 * @param peer     the loopback peer the relay may send to
 */
record TurnCorpus(String username, String realm, byte[] nonce, byte[] key, InetSocketAddress peer) {
    static final byte UDP = 17;
    static final int CHANNEL = 0x4000;

    static TurnCorpus of(String username, String password, String realm, byte[] nonce, InetSocketAddress peer) {
        return new TurnCorpus(username, realm, nonce.clone(), StunBytes.longTermKey(username, realm, password), peer);
    }

    /** A fresh random transaction id (the seeds use ids from a fixed generator, so the corpus is repeatable). */
    static byte[] tid(Random r) {
        byte[] t = new byte[12];
        r.nextBytes(t);
        return t;
    }

    static byte[] binding(byte[] tid) {
        return StunBytes.encode(MessageFactory.createBindingRequest(), tid);
    }

    /** Allocate for a UDP relay with no credentials: the server answers 401 with REALM and NONCE. */
    static byte[] allocateUnauthenticated(byte[] tid) {
        Message m = MessageFactory.createAllocateRequest();
        m.putAttribute(AttributeFactory.createRequestedTransportAttribute(UDP));
        return StunBytes.encode(m, tid);
    }

    byte[] allocate(byte[] tid, byte[] nonce, int lifetime) {
        Message m = MessageFactory.createAllocateRequest();
        m.putAttribute(AttributeFactory.createRequestedTransportAttribute(UDP));
        if (lifetime >= 0) m.putAttribute(AttributeFactory.createLifetimeAttribute(lifetime));
        return signed(m, tid, nonce);
    }

    byte[] refresh(byte[] tid, byte[] nonce, int lifetime) {
        return signed(MessageFactory.createRefreshRequest(lifetime), tid, nonce);
    }

    byte[] createPermission(byte[] tid, byte[] nonce, InetSocketAddress peer) {
        return signed(MessageFactory.createCreatePermissionRequest(address(peer), tid), tid, nonce);
    }

    byte[] channelBind(byte[] tid, byte[] nonce, int channel, InetSocketAddress peer) {
        return signed(MessageFactory.createChannelBindRequest((char) channel, address(peer), tid), tid, nonce);
    }

    static byte[] sendIndication(byte[] tid, InetSocketAddress peer, byte[] data) {
        return StunBytes.encode(MessageFactory.createSendIndication(address(peer), data, tid), tid);
    }

    /**
     * The seeds: every request and indication a TURN client sends, with and without credentials, valid and
     * deliberately odd (denied peers, reserved channel numbers, zero lifetimes, unknown comprehension-required
     * attributes, unpadded ChannelData), signed with {@link #nonce}.
     */
    List<byte[]> seeds() {
        Random r = new Random(8656);
        InetSocketAddress denied = new InetSocketAddress("10.0.0.1", 9);
        InetSocketAddress deniedV6 = new InetSocketAddress("::1", peer.getPort());
        byte[] data = new byte[100];
        r.nextBytes(data);
        List<byte[]> s = new ArrayList<>();
        s.add(binding(tid(r)));
        s.add(StunBytes.sign(binding(tid(r)), key)); // Binding with integrity and fingerprint
        s.add(StunBytes.encode(MessageFactory.createBindingIndication(), tid(r)));
        s.add(allocateUnauthenticated(tid(r)));
        s.add(allocate(tid(r), nonce, -1));
        s.add(allocate(tid(r), nonce, 0));
        s.add(allocate(tid(r), nonce, 3600));
        s.add(allocate(tid(r), nonce, Integer.MAX_VALUE));
        s.add(allocateWith(tid(r), 0x0018, new byte[] {(byte) 0x80, 0, 0, 0}));                 // EVEN-PORT R
        s.add(allocateWith(tid(r), 0x0017, new byte[] {2, 0, 0, 0}));                             // REQUESTED-ADDRESS-FAMILY v6
        s.add(allocateWith(tid(r), 0x0022, new byte[8]));                                         // RESERVATION-TOKEN
        s.add(allocateWith(tid(r), 0x001A, new byte[0]));                                         // DONT-FRAGMENT
        s.add(allocateWith(tid(r), 0x7777, new byte[] {1, 2, 3}));                                // unknown, comprehension-required
        s.add(refresh(tid(r), nonce, 600));
        s.add(refresh(tid(r), nonce, 0));
        s.add(createPermission(tid(r), nonce, peer));
        s.add(createPermission(tid(r), nonce, denied));
        s.add(createPermission(tid(r), nonce, deniedV6));
        s.add(twoPeerPermission(tid(r)));
        s.add(channelBind(tid(r), nonce, CHANNEL, peer));
        s.add(channelBind(tid(r), nonce, 0x7FFF, peer));
        s.add(channelBind(tid(r), nonce, 0x3FFF, peer));
        s.add(channelBind(tid(r), nonce, CHANNEL + 1, denied));
        s.add(sendIndication(tid(r), peer, data));
        s.add(sendIndication(tid(r), denied, data));
        s.add(sendIndication(tid(r), peer, new byte[0]));
        s.add(StunBytes.channelData(CHANNEL, data, true));
        s.add(StunBytes.channelData(CHANNEL, new byte[] {1, 2, 3}, false));
        s.add(StunBytes.channelData(CHANNEL + 1, data, true));
        s.add(StunBytes.channelData(0x7FFF, new byte[0], true));
        return s;
    }

    private byte[] allocateWith(byte[] tid, int type, byte[] value) {
        Message m = MessageFactory.createAllocateRequest();
        m.putAttribute(AttributeFactory.createRequestedTransportAttribute(UDP));
        byte[] plain = StunBytes.encode(m, tid);
        plain = StunBytes.append(plain, type, value);
        return sign(plain, nonce);
    }

    private byte[] twoPeerPermission(byte[] tid) {
        byte[] one = StunBytes.encode(MessageFactory.createCreatePermissionRequest(address(peer), tid), tid);
        byte[] xor = StunBytes.find(one, 0x0012).value(one);
        return sign(StunBytes.append(one, 0x0012, xor), nonce);
    }

    private byte[] signed(Message m, byte[] tid, byte[] nonce) {
        return sign(StunBytes.encode(m, tid), nonce);
    }

    /** USERNAME, REALM, NONCE, then MESSAGE-INTEGRITY and FINGERPRINT. */
    private byte[] sign(byte[] plain, byte[] nonce) {
        byte[] m = StunBytes.append(plain, 0x0006, username.getBytes(StandardCharsets.UTF_8));
        m = StunBytes.append(m, StunBytes.REALM, realm.getBytes(StandardCharsets.UTF_8));
        m = StunBytes.append(m, StunBytes.NONCE, nonce);
        return StunBytes.sign(m, key);
    }

    private static TransportAddress address(InetSocketAddress a) {
        return new TransportAddress(a.getAddress(), a.getPort(), Transport.UDP);
    }

    /** Offsets of the integer fields the mutator aims at: type, length, cookie, transaction id, first attributes. */
    static int[] fieldOffsets() {
        return new int[] {0, 2, 4, 8, 20, 22, 24, 26, 28};
    }

    /** A 4-byte big-endian int, for attribute values. */
    static byte[] int32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }
}
