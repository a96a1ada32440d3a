package dev.meshwire.nattest.topology;

/** RFC 4787 section 5 filtering behaviour, ordered from least to most restrictive. */
public enum Filtering {
    /** Endpoint-independent filtering: anyone may send to an existing mapping. */
    EIF,
    /** Address-dependent filtering: only addresses the host has sent to (any port). */
    ADF,
    /** Address-and-port-dependent filtering: only the exact ip:port the host has sent to. */
    APDF
}
