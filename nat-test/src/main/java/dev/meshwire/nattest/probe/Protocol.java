package dev.meshwire.nattest.probe;

/**
 * The probe's wire format: one ASCII line per datagram.
 *
 * <pre>
 *  request   MWP1 REQ &lt;txid&gt; &lt;mode&gt;
 *  response  MWP1 RES &lt;txid&gt; &lt;mode&gt; &lt;observed ip:port&gt; &lt;responding ip:port&gt;
 *  ack       MWP1 ACK &lt;txid&gt; &lt;mode&gt; &lt;observed ip:port&gt; &lt;ip:port the RES was sent from&gt;
 *  hairpin   MWP1 HAIRPIN &lt;txid&gt;
 *  tcp       on connect the server writes "MWP1 TCP &lt;observed ip:port&gt;\n"
 * </pre>
 *
 * The mode says which of the server's four sockets (2 addresses x 2 ports) sends the RES, like the
 * CHANGE-REQUEST attribute of RFC 5780. For any mode other than SAME the receiving socket also sends an ACK
 * after the RES: the ACK comes from the endpoint the client sent to, so every filtering behaviour lets it in, and
 * it tells the client the RES was sent before it (so "no RES shortly after the ACK" means "filtered").
 */
public final class Protocol {
    public static final String MAGIC = "MWP1";

    public enum Mode {
        SAME, OTHER_PORT, OTHER_ADDR, OTHER_BOTH;

        /** Index of the answering socket given the receiving one ({@code [addr][port]}, 0 or 1 each). */
        public int[] answerer(int addr, int port) {
            return switch (this) {
                case SAME -> new int[] {addr, port};
                case OTHER_PORT -> new int[] {addr, 1 - port};
                case OTHER_ADDR -> new int[] {1 - addr, port};
                case OTHER_BOTH -> new int[] {1 - addr, 1 - port};
            };
        }
    }

    private Protocol() {}
}
