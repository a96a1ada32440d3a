package dev.meshwire.signaling.session;

/**
 * The outcome of checking an attestation or a session hello: {@link #OK}, or a {@link SessionReason} with a
 * human-readable detail naming the field or the rule (for error messages and logs; never secret material).
 */
public record Verdict(SessionReason reason, String detail) {
    public static final Verdict OK = new Verdict(null, null);

    public static Verdict refuse(SessionReason reason, String detail) {
        return new Verdict(reason, detail);
    }

    public boolean ok() {
        return reason == null;
    }
}
