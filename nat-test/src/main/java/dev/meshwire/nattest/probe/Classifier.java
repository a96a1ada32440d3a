package dev.meshwire.nattest.probe;

import java.util.Objects;

/**
 * Pure classification of probe observations (RFC 4787 terms, tests after RFC 5780 sections 4.3 and 4.4).
 *
 * <p>Mapping: one local socket sends to the server's four endpoints A1:P1, A2:P1, A2:P2, A1:P2 and records the
 * external endpoint each one saw. Same everywhere: EIM (or NO_NAT if it equals the local endpoint). Same per
 * destination address but different across addresses: ADM. Different per destination port: APDM.
 *
 * <p>Filtering: a fresh socket sends only to A1:P1 and then asks for answers from A1:P2 (other port), A2:P1
 * (other address) and A2:P2 (both). All arrive: EIF. Only the other-port one: ADF. None: APDF.
 */
public final class Classifier {
    public static final String NO_NAT = "NO_NAT";
    public static final String NO_UDP = "NO_UDP";
    public static final String INCONSISTENT = "INCONSISTENT";
    public static final String UNKNOWN = "UNKNOWN";

    private Classifier() {}

    /**
     * @param local    the local endpoint the mapping socket used (ip:port)
     * @param a1p1     external endpoint seen by A1:P1, or null if no answer; likewise the others
     */
    public static String mapping(String local, String a1p1, String a2p1, String a2p2, String a1p2) {
        String[] all = {a1p1, a2p1, a2p2, a1p2};
        int answered = 0;
        for (String s : all) if (s != null) answered++;
        if (answered == 0) return NO_UDP;
        if (answered < all.length) return INCONSISTENT;
        boolean allSame = a1p1.equals(a2p1) && a1p1.equals(a2p2) && a1p1.equals(a1p2);
        if (allSame) return a1p1.equals(local) ? NO_NAT : "EIM";
        boolean perAddress = a1p1.equals(a1p2) && a2p1.equals(a2p2);
        if (perAddress) return "ADM";
        boolean perEndpoint = !a1p1.equals(a1p2) && !a2p1.equals(a2p2) && !a1p1.equals(a2p1) && !a1p2.equals(a2p2)
                && !a1p1.equals(a2p2) && !a1p2.equals(a2p1);
        return perEndpoint ? "APDM" : INCONSISTENT;
    }

    /**
     * @param otherPort whether the answer from the same address, other port arrived (null: test not run)
     * @param otherAddr same for other address, same port
     * @param otherBoth same for other address and other port
     */
    public static String filtering(Boolean otherPort, Boolean otherAddr, Boolean otherBoth) {
        if (otherPort == null || otherAddr == null || otherBoth == null) return UNKNOWN;
        if (otherPort && otherAddr && otherBoth) return "EIF";
        if (otherPort && !otherAddr && !otherBoth) return "ADF";
        if (!otherPort && !otherAddr && !otherBoth) return "APDF";
        return INCONSISTENT;
    }

    /** The overall label, comparable with {@code NatBehaviour.label()}. */
    public static String behaviour(String mapping, String filtering, boolean tcpOk) {
        Objects.requireNonNull(mapping);
        Objects.requireNonNull(filtering);
        if (mapping.equals(NO_UDP)) return tcpOk ? "UDP_BLOCKED" : "NO_CONNECTIVITY";
        if (mapping.equals(NO_NAT)) return filtering.equals("EIF") ? "NONE" : "NO_NAT-" + filtering;
        return mapping + "-" + filtering;
    }
}
