package dev.meshwire.nattest.topology;

/** RFC 4787 section 4.1 mapping behaviour, ordered from least to most destination-dependent. */
public enum Mapping {
    /** Endpoint-independent mapping: one external ip:port per internal ip:port, whatever the destination. */
    EIM,
    /** Address-dependent mapping: the external port is reused for the same destination address, any port. */
    ADM,
    /** Address-and-port-dependent mapping ("symmetric"): a new external port per destination ip:port. */
    APDM
}
